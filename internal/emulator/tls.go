package emulator

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/atomicfile"
)

// certAuthority is the CA that issues the server certificate. Clients trust
// it through CertPool or by pointing SSL_CERT_FILE at certFile.
type certAuthority struct {
	cert     *x509.Certificate
	key      crypto.Signer
	certFile string // absolute
	keyFile  string // absolute
	pool     *x509.CertPool
	tempDir  string // created by us, removed on Close; empty when the caller chose the files
}

// caWaitTimeout bounds how long a process that lost the race to create the
// CA files waits for the winner to finish writing the certificate.
const caWaitTimeout = 10 * time.Second

// loadOrCreateCA returns the CA stored in certFile/keyFile when both exist,
// else a new one written there (or in a new temporary directory when certFile
// is empty).
//
// Several test processes may start at once with the same files. Go reads
// SSL_CERT_FILE once per process, so they must all end up with the same CA:
// the key file is created with a hard link, which fails when it already
// exists, and only the winner writes the certificate (by rename, so it is
// never seen half written). Losers wait for that certificate.
func loadOrCreateCA(certFile, keyFile string) (*certAuthority, error) {
	var tempDir string
	if certFile == "" {
		dir, err := os.MkdirTemp("", "kvemulator-ca-")
		if err != nil {
			return nil, fmt.Errorf("emulator: CA directory: %w", err)
		}
		tempDir = dir
		certFile, keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	} else if keyFile == "" {
		keyFile = certFile + ".key"
	}
	// Absolute, so that what CACertFile() tells (and kvemulator prints for
	// SSL_CERT_FILE) works from any directory.
	var err error
	if certFile, err = filepath.Abs(certFile); err != nil {
		return nil, fmt.Errorf("emulator: CA certificate: %w", err)
	}
	if keyFile, err = filepath.Abs(keyFile); err != nil {
		return nil, fmt.Errorf("emulator: CA key: %w", err)
	}
	ca, err := reuseOrCreateCA(certFile, keyFile)
	if err != nil {
		if tempDir != "" {
			_ = os.RemoveAll(tempDir)
		}
		return nil, err
	}
	ca.tempDir, ca.keyFile = tempDir, keyFile
	ca.pool = x509.NewCertPool()
	ca.pool.AddCert(ca.cert)
	return ca, nil
}

func reuseOrCreateCA(certFile, keyFile string) (*certAuthority, error) {
	if fileExists(certFile) && fileExists(keyFile) {
		return readCA(certFile, keyFile)
	}
	cert, key, err := newCA()
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("emulator: CA key: %w", err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	won, err := atomicfile.CreateExclusive(keyFile, keyPEM)
	if err != nil {
		return nil, err
	}
	if !won {
		return waitForCA(certFile, keyFile)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if err := atomicfile.Write(certFile, certPEM, 0o644); err != nil {
		return nil, err
	}
	return &certAuthority{cert: cert, key: key, certFile: certFile}, nil
}

// waitForCA waits until another process has finished writing the CA whose key
// it already wrote.
func waitForCA(certFile, keyFile string) (*certAuthority, error) {
	deadline := time.Now().Add(caWaitTimeout)
	for {
		ca, err := readCA(certFile, keyFile)
		if err == nil {
			return ca, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("emulator: %s exists but %s did not appear or does not match it: %w", keyFile, certFile, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readCA(certFile, keyFile string) (*certAuthority, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("emulator: CA certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("emulator: CA key: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("emulator: CA files %s and %s: %w", certFile, keyFile, err)
	}
	cert := pair.Leaf
	if cert == nil {
		if cert, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, fmt.Errorf("emulator: CA certificate: %w", err)
		}
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("emulator: %s is not a CA certificate", certFile)
	}
	key, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("emulator: CA key in %s cannot sign", keyFile)
	}
	return &certAuthority{cert: cert, key: key, certFile: certFile}, nil
}

func newCA() (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("emulator: CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "Bifrost Key Vault emulator CA", Organization: []string{"Bifrost emulator"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, fmt.Errorf("emulator: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// serverCertificate issues a fresh leaf for the loopback names and the host
// the emulator listens on. It is not stored: only the CA needs to be stable.
func (ca *certAuthority) serverCertificate(extraHost string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if extraHost != "" && extraHost != "localhost" {
		if ip := net.ParseIP(extraHost); ip != nil {
			if !ip.IsLoopback() && !ip.IsUnspecified() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, extraHost)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("emulator: server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

func (ca *certAuthority) close() error {
	if ca.tempDir == "" {
		return nil
	}
	return os.RemoveAll(ca.tempDir)
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
