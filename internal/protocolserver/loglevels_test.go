package protocolserver

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tfsdklog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklogtest"
)

const testAddress = "registry.terraform.io/bifrost-platform/bifrost"

// sdk returns the SDK variables all at level, plus extra.
func sdk(level string, extra ...string) map[string]string {
	m := map[string]string{"TF_LOG_SDK": level, "TF_LOG_SDK_PROTO": level, "TF_LOG_SDK_FRAMEWORK": level}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// TestDefaultLogLevels is the table of environments and the variables set before serving.
func TestDefaultLogLevels(t *testing.T) {
	const prov = "TF_LOG_PROVIDER_BIFROST"
	tests := []struct {
		name string
		env  []string
		want map[string]string
	}{
		{"nothing set: the CLI keeps no provider log", nil, sdk("OFF", prov, "OFF")},
		{"TF_LOG", []string{"TF_LOG=DEBUG"}, sdk("DEBUG", prov, "DEBUG")},
		{"TF_LOG lower case", []string{"TF_LOG=warn"}, sdk("WARN", prov, "WARN")},
		{"TF_LOG=JSON is TRACE", []string{"TF_LOG=json"}, sdk("TRACE", prov, "TRACE")},
		{"TF_LOG not a level is TRACE", []string{"TF_LOG=1"}, sdk("TRACE", prov, "TRACE")},
		{"TF_LOG=OFF", []string{"TF_LOG=off"}, sdk("OFF", prov, "OFF")},
		{"TF_LOG empty", []string{"TF_LOG="}, sdk("OFF", prov, "OFF")},
		{"TF_LOG_PROVIDER", []string{"TF_LOG_PROVIDER=INFO"}, sdk("INFO", prov, "INFO")},
		{"TF_LOG_PROVIDER wins over TF_LOG", []string{"TF_LOG=TRACE", "TF_LOG_PROVIDER=ERROR"}, sdk("ERROR", prov, "ERROR")},
		{"empty TF_LOG_PROVIDER falls back to TF_LOG", []string{"TF_LOG=INFO", "TF_LOG_PROVIDER="}, sdk("INFO", prov, "INFO")},
		{"TF_LOG_CORE does not concern providers", []string{"TF_LOG_CORE=TRACE"}, sdk("OFF", prov, "OFF")},
		{"the CLI's crash log sink keeps everything", []string{"TF_TEMP_LOG_PATH=/tmp/x"}, sdk("TRACE", prov, "TRACE")},
		{"TF_LOG_SDK set: SDK untouched", []string{"TF_LOG=DEBUG", "TF_LOG_SDK=TRACE"}, map[string]string{prov: "DEBUG"}},
		{"TF_LOG_SDK_PROTO set: SDK untouched", []string{"TF_LOG_SDK_PROTO=OFF"}, map[string]string{prov: "OFF"}},
		{"TF_LOG_SDK_FRAMEWORK set: SDK untouched", []string{"TF_LOG=INFO", "TF_LOG_SDK_FRAMEWORK=TRACE"}, map[string]string{prov: "INFO"}},
		{"TF_LOG_SDK_MUX set: SDK untouched", []string{"TF_LOG_SDK_MUX=WARN"}, map[string]string{prov: "OFF"}},
		{"TF_LOG_SDK_HELPER_SCHEMA set: SDK untouched", []string{"TF_LOG_SDK_HELPER_SCHEMA=WARN"}, map[string]string{prov: "OFF"}},
		{"TF_LOG_SDK set but not a level: untouched", []string{"TF_LOG_SDK=yes"}, map[string]string{prov: "OFF"}},
		{"empty SDK variable is unset", []string{"TF_LOG=WARN", "TF_LOG_SDK="}, sdk("WARN", prov, "WARN")},
		{"the proto data directory is not a level", []string{"TF_LOG_SDK_PROTO_DATA_DIR=/tmp/d"}, sdk("OFF", prov, "OFF")},
		{"provider variable set: untouched", []string{"TF_LOG=DEBUG", prov + "=TRACE"}, sdk("DEBUG")},
		{"another provider's variable does not count", []string{"TF_LOG_PROVIDER_AWS=TRACE"}, sdk("OFF", prov, "OFF")},
		{"everything set: nothing to do", []string{"TF_LOG=TRACE", "TF_LOG_SDK=INFO", prov + "=WARN"}, map[string]string{}},
		{"first occurrence wins, as in os.Getenv", []string{"TF_LOG=INFO", "TF_LOG=TRACE"}, sdk("INFO", prov, "INFO")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append([]string{"PATH=/usr/bin", "HOME=/root"}, tt.env...)
			if got := DefaultLogLevels(env, testAddress); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DefaultLogLevels(%q) = %v, want %v", tt.env, got, tt.want)
			}
		})
	}
}

// TestLevelsReadByTerraformPluginLog: each level CLIProviderLogLevel returns, put in a logger's
// variable, makes terraform-plugin-log emit exactly the lines at that level and above (a value it
// did not read as a level would leave the logger at TRACE).
func TestLevelsReadByTerraformPluginLog(t *testing.T) {
	order := []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}
	for _, v := range []string{"", "trace", "debug", "info", "warn", "error", "off", "json", "bogus"} {
		level := CLIProviderLogLevel(v, "", "")
		t.Setenv("TF_LOG_SDK_LEVELPROBE", level)
		var buf bytes.Buffer
		ctx := tfsdklogtest.RootLogger(context.Background(), &buf)
		ctx = tfsdklog.NewSubsystem(ctx, "levelprobe", tfsdklog.WithLevelFromEnv("TF_LOG_SDK", "LEVELPROBE"))
		tfsdklog.SubsystemTrace(ctx, "levelprobe", "TRACE")
		tfsdklog.SubsystemDebug(ctx, "levelprobe", "DEBUG")
		tfsdklog.SubsystemInfo(ctx, "levelprobe", "INFO")
		tfsdklog.SubsystemWarn(ctx, "levelprobe", "WARN")
		tfsdklog.SubsystemError(ctx, "levelprobe", "ERROR")
		var want []string
		if i := slices.Index(order, level); i >= 0 {
			want = order[i:]
		} else if level != "OFF" {
			t.Fatalf("TF_LOG=%q: level %q", v, level)
		}
		var got []string
		for line := range strings.Lines(buf.String()) {
			var entry struct {
				Message string `json:"@message"`
			}
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatal(err)
			}
			got = append(got, entry.Message)
		}
		if !slices.Equal(got, want) {
			t.Errorf("TF_LOG=%q, logger at %q: emitted %v, want %v", v, level, got, want)
		}
	}
}

func TestProviderLevelEnv(t *testing.T) {
	for address, want := range map[string]string{
		testAddress:                              "TF_LOG_PROVIDER_BIFROST",
		"registry.terraform.io/example/my-cloud": "TF_LOG_PROVIDER_MY_CLOUD",
		"":                                       "",
	} {
		if got := providerLevelEnv(address); got != want {
			t.Errorf("providerLevelEnv(%q) = %q, want %q", address, got, want)
		}
	}
}

func TestSetDefaultLogLevels(t *testing.T) {
	// t.Setenv restores each variable it set after the test, SetDefaultLogLevels's too.
	vars := []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_BIFROST"}
	for _, k := range append([]string{"TF_LOG", "TF_TEMP_LOG_PATH"}, vars...) {
		t.Setenv(k, "")
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TF_LOG_SDK") {
			t.Setenv(k, "")
		}
	}
	t.Setenv("TF_LOG_PROVIDER", "warn")
	if err := SetDefaultLogLevels(testAddress); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, k := range vars {
		got[k] = os.Getenv(k)
	}
	if want := sdk("WARN", "TF_LOG_PROVIDER_BIFROST", "WARN"); !maps.Equal(got, want) {
		t.Errorf("environment after SetDefaultLogLevels: %v, want %v", got, want)
	}
}
