package keyvault

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"

	"golang.org/x/crypto/pkcs12"
)

// Get Secret's outContentType asks Key Vault to convert a certificate's
// secret: "Currently, only PFX to PEM conversion is supported. If an
// unsupported format is specified, the request is rejected."
// (https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secret/get-secret?view=rest-keyvault-secrets-2025-07-01).
// Microsoft's recording of TestGetSecretWithOutContentType (see
// internal/emulator/recordings_test.go) shows the rejection of a text/plain
// secret asked for PEM: 400 BadParameter "The 'Unsupported' to 'PEM'
// transformation is not supported. Only PFX to PEM transformation is
// supported."
//
// The emulator has no certificates; a secret holds a PFX when it is set with
// content type application/x-pkcs12 and a base64 PKCS#12 value without a
// password, which is what Key Vault keeps for a certificate.
const (
	contentTypePFX = "application/x-pkcs12"
	contentTypePEM = "application/x-pem-file"
)

// transformLabel is how Key Vault's message names a content type.
func transformLabel(contentType string) string {
	switch strings.ToLower(strings.TrimSpace(contentType)) {
	case contentTypePFX:
		return "PFX"
	case contentTypePEM:
		return "PEM"
	}
	return "Unsupported"
}

// transform converts a version's value to the out content type, answering
// the converted value and its content type.
func transform(v secretVersion, out string) (string, string, *kvError) {
	from, to := transformLabel(v.ContentType), transformLabel(out)
	if from != "PFX" || to != "PEM" {
		return "", "", badParameter("The '%s' to '%s' transformation is not supported. Only PFX to PEM transformation is supported.", from, to)
	}
	pemText, ok := pfxToPEM(v.Value)
	if !ok {
		return "", "", badParameter("The secret's value is not a PFX (PKCS#12) without a password, so it cannot be transformed to PEM.")
	}
	return pemText, contentTypePEM, nil
}

// pfxToPEM is the PEM form Key Vault gives a certificate: the private key
// (PKCS#8) first, then the certificates, with no bag attributes.
func pfxToPEM(value string) (string, bool) {
	der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
	if err != nil {
		return "", false
	}
	blocks, err := pkcs12.ToPEM(der, "")
	if err != nil {
		return "", false
	}
	var keys, certs bytes.Buffer
	for _, b := range blocks {
		switch b.Type {
		case "CERTIFICATE":
			_ = pem.Encode(&certs, &pem.Block{Type: "CERTIFICATE", Bytes: b.Bytes})
		case "PRIVATE KEY":
			// pkcs12.ToPEM labels PKCS#1 and SEC 1 keys "PRIVATE KEY";
			// re-encode them as the PKCS#8 the label promises.
			pkcs8, ok := asPKCS8(b.Bytes)
			if !ok {
				return "", false
			}
			_ = pem.Encode(&keys, &pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
		}
	}
	if certs.Len() == 0 {
		return "", false
	}
	return keys.String() + certs.String(), true
}

func asPKCS8(der []byte) ([]byte, bool) {
	var key any
	var err error
	if key, err = x509.ParsePKCS1PrivateKey(der); err != nil {
		if key, err = x509.ParseECPrivateKey(der); err != nil {
			if key, err = x509.ParsePKCS8PrivateKey(der); err != nil {
				return nil, false
			}
		}
	}
	out, err := x509.MarshalPKCS8PrivateKey(key)
	return out, err == nil
}
