package emulator_test

import (
	"crypto/tls"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Several processes (here: goroutines) starting at once with the same CA
// files must all serve certificates from one CA, the one in the files.
func TestSharedCAFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := emulator.Options{CACertFile: filepath.Join(dir, "ca.pem"), CAKeyFile: filepath.Join(dir, "ca-key.pem")}
	const n = 4
	ems := make([]*emulator.Emulator, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			e, err := emulator.Start(opts)
			if err != nil {
				t.Error(err)
				return
			}
			ems[i] = e
		})
	}
	wg.Wait()
	for _, e := range ems {
		if e != nil {
			t.Cleanup(func() { _ = e.Close() })
		}
	}
	if t.Failed() {
		return
	}
	pool := ems[0].CertPool()
	for _, e := range ems {
		if !e.CertPool().Equal(pool) {
			t.Fatal("emulators use different CAs")
		}
		// The CA in the file is the one that signed what each serves.
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		resp, err := hc.Get(e.ManagementURL() + "/counts")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, err := os.Stat(opts.CAKeyFile); err != nil {
		t.Fatal(err)
	}
}

func TestTemporaryCAIsRemoved(t *testing.T) {
	t.Parallel()
	e, err := emulator.Start(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := e.CACertFile()
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("CA file: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("temporary CA %s left behind", file)
	}
}

func TestLocalhostNames(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	hc := httpClient(e)
	_, port, _ := splitPort(e.VaultURL())
	resp, err := hc.Get("https://localhost:" + port + "/_emulator/counts")
	if err != nil {
		t.Fatalf("localhost is not in the certificate: %v", err)
	}
	resp.Body.Close()
}

func splitPort(u string) (host, port string, err error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return "", "", err
	}
	return req.URL.Hostname(), req.URL.Port(), nil
}
