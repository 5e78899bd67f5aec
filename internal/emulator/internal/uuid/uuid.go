// Package uuid makes the random ids the emulated services put in their
// answers: Key Vault's x-ms-request-id, Entra's trace and correlation ids,
// the jti of ID tokens.
package uuid

import (
	"crypto/rand"
	"fmt"
)

// New returns a random (version 4) UUID in its lower-case text form.
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails, see crypto/rand
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
