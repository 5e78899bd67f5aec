package keyvault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"strings"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/atomicfile"
)

// Backups are opaque and encrypted, as Key Vault's are: a backup file left
// on disk tells nothing of the values it holds, and only the emulator that
// made it (or another one sharing its backup key file) restores it, as only
// vaults of the same subscription and geography restore Key Vault's.
//
// Key Vault's blob (Microsoft's recording of TestBackupRestore) is a
// length-prefixed format name, "AzureKeyVaultSecretBackupV1.microsoft.com",
// followed by a JWE in compact form whose header names the key (kid) and
// the algorithms. The emulator's has the same shape with its own format
// name and a direct AES-256-GCM JWE (RFC 7516: alg "dir", enc "A256GCM",
// the protected header as additional data), so a reader of either sees an
// opaque, versioned, keyed envelope and nothing else.

// backupFormatName opens every backup the emulator makes.
const backupFormatName = "BifrostKeyVaultEmulatorSecretBackupV1"

// backupKeySize is AES-256's key size.
const backupKeySize = 32

// backupKey seals and opens backups.
type backupKey struct {
	kid  string // names the key in the JWE header: a hash of the key, never the key
	aead cipher.AEAD
}

// loadOrCreateBackupKey reads the key in path, or creates it (32 random
// bytes, base64, mode 0600). Processes starting at once with the same file
// end up with the same key, as with the CA: the file is created by link,
// which fails when another process won.
func loadOrCreateBackupKey(path string) (*backupKey, error) {
	if !fileExists(path) {
		raw := make([]byte, backupKeySize)
		_, _ = rand.Read(raw) // never fails, see crypto/rand
		if _, err := atomicfile.CreateExclusive(path, []byte(base64.StdEncoding.EncodeToString(raw)+"\n")); err != nil {
			return nil, fmt.Errorf("emulator: backup key: %w", err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("emulator: backup key: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(raw) != backupKeySize {
		return nil, fmt.Errorf("emulator: backup key file %s: want %d bytes in base64", path, backupKeySize)
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("emulator: backup key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("emulator: backup key: %w", err)
	}
	sum := sha256.Sum256(raw)
	return &backupKey{kid: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

// jweHeader is the protected header of a backup's JWE.
type jweHeader struct {
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Enc string `json:"enc"`
}

var b64 = base64.RawURLEncoding

// seal encrypts a backup into the blob BackupSecret answers (before the
// wire's base64url).
func (k *backupKey) seal(b backupBlob) ([]byte, error) {
	plain, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	header, err := json.Marshal(jweHeader{Kid: k.kid, Alg: "dir", Enc: "A256GCM"})
	if err != nil {
		return nil, err
	}
	protected := b64.EncodeToString(header)
	iv := make([]byte, k.aead.NonceSize())
	_, _ = rand.Read(iv)
	sealed := k.aead.Seal(nil, iv, plain, []byte(protected))
	ct, tag := sealed[:len(sealed)-k.aead.Overhead()], sealed[len(sealed)-k.aead.Overhead():]
	var out bytes.Buffer
	out.WriteByte(byte(len(backupFormatName)))
	out.WriteString(backupFormatName)
	// Compact JWE: header . encrypted key (empty with "dir") . iv . ciphertext . tag
	out.WriteString(protected + ".." + b64.EncodeToString(iv) + "." + b64.EncodeToString(ct) + "." + b64.EncodeToString(tag))
	return out.Bytes(), nil
}

// errCorruptBackup is Key Vault's answer to a blob it cannot restore.
func errCorruptBackup() *kvError {
	return badParameter("The backup blob is corrupt or was not produced by this Key Vault.")
}

// open decrypts and checks a blob as the client sent it in restore's
// "value" (base64url without padding, as azsecrets sends it; padded or
// standard base64 is tolerated): the envelope seal made, this vault's key,
// then the backup inside.
func (k *backupKey) open(value string) (backupBlob, *kvError) {
	data, ok := decodeBackupValue(value)
	if !ok {
		return backupBlob{}, errCorruptBackup()
	}
	parts, ok := splitEnvelope(data)
	if !ok {
		return backupBlob{}, errCorruptBackup()
	}
	plain, err := k.unseal(parts)
	if err != nil {
		return backupBlob{}, err
	}
	return parseBackup(plain)
}

// decodeBackupValue undoes the wire's base64, in whichever flavour the
// client sent it.
func decodeBackupValue(value string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if data, err := enc.DecodeString(value); err == nil {
			return data, true
		}
	}
	return nil, false
}

// splitEnvelope checks the length-prefixed format name and returns the five
// parts of the compact JWE after it (the encrypted key, empty with "dir",
// is the second).
func splitEnvelope(data []byte) ([]string, bool) {
	if len(data) < 1+len(backupFormatName) || int(data[0]) != len(backupFormatName) ||
		string(data[1:1+len(backupFormatName)]) != backupFormatName {
		return nil, false
	}
	parts := strings.Split(string(data[1+len(backupFormatName):]), ".")
	if len(parts) != 5 || parts[1] != "" {
		return nil, false
	}
	return parts, true
}

// unseal checks the JWE's header names this key and decrypts its
// ciphertext, the header being the additional data.
func (k *backupKey) unseal(parts []string) ([]byte, *kvError) {
	h, ok := parseJWEHeader(parts[0])
	if !ok {
		return nil, errCorruptBackup()
	}
	if h.Kid != k.kid {
		return nil, badParameter("The backup blob was made by another Key Vault (key %s) and cannot be restored here.", h.Kid)
	}
	iv, err1 := b64.DecodeString(parts[2])
	ct, err2 := b64.DecodeString(parts[3])
	tag, err3 := b64.DecodeString(parts[4])
	if err1 != nil || err2 != nil || err3 != nil || len(iv) != k.aead.NonceSize() || len(tag) != k.aead.Overhead() {
		return nil, errCorruptBackup()
	}
	plain, err := k.aead.Open(nil, iv, append(ct, tag...), []byte(parts[0]))
	if err != nil {
		return nil, errCorruptBackup()
	}
	return plain, nil
}

// parseJWEHeader decodes a protected header with the algorithms seal uses.
func parseJWEHeader(part string) (jweHeader, bool) {
	var h jweHeader
	headerJSON, err := b64.DecodeString(part)
	if err != nil || json.Unmarshal(headerJSON, &h) != nil || h.Alg != "dir" || h.Enc != "A256GCM" {
		return jweHeader{}, false
	}
	return h, true
}

// parseBackup checks a decrypted backup: this format, a valid name, at
// least one version, version ids as the store makes them and none twice.
func parseBackup(plain []byte) (backupBlob, *kvError) {
	var b backupBlob
	if json.Unmarshal(plain, &b) != nil || b.Format != backupFormat || !validName(b.Name) || len(b.Versions) == 0 {
		return backupBlob{}, errCorruptBackup()
	}
	seen := map[string]bool{}
	for i, v := range b.Versions {
		if !validVersionID(v.ID) || seen[v.ID] {
			return backupBlob{}, errCorruptBackup()
		}
		seen[v.ID] = true
		b.Versions[i].Tags = maps.Clone(v.Tags)
	}
	return b, nil
}

func validVersionID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range []byte(id) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
