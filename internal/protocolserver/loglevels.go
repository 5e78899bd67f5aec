package protocolserver

import (
	"os"
	"strings"
)

// Why SetDefaultLogLevels exists.
//
// terraform-plugin-log gives each logger the level of its own environment variable and, when that
// variable is unset, TRACE: the SDK root logger (TF_LOG_SDK), terraform-plugin-go's protocol
// logger (TF_LOG_SDK_PROTO), the framework's logger (TF_LOG_SDK_FRAMEWORK) and the provider's own
// tflog logger (TF_LOG_PROVIDER_BIFROST). So by default the provider formats every trace line as
// JSON and writes it to stderr. The CLI (Terraform 1.5 to 1.16, OpenTofu 1.12: internal/logging)
// then keeps a provider's lines at the level of TF_LOG_PROVIDER, else TF_LOG, and drops the rest;
// with neither set it keeps none. The provider process inherits the CLI's environment (go-plugin
// starts it with os.Environ()), so it can tell which lines the CLI will keep: this sets the
// loggers whose variables the user left unset to exactly that level. What the user sees does not
// change; the provider stops formatting, and the CLI stops reading (Terraform 1.5 also parsing),
// lines nobody keeps: a quarter of the provider's CPU in a plan.
//
// As soon as the user sets any SDK logger variable, none of the SDK variables is touched, so that
// TF_LOG_SDK_PROTO and TF_LOG_SDK_FRAMEWORK still inherit TF_LOG_SDK and everything behaves as
// HashiCorp documents (https://developer.hashicorp.com/terraform/plugin/log/managing); likewise
// a TF_LOG_PROVIDER_BIFROST the user set is left alone.

// Environment variables read or set by SetDefaultLogLevels.
const (
	envLog         = "TF_LOG"
	envLogProvider = "TF_LOG_PROVIDER"
	// envTempLogPath makes the CLI copy every log line, whatever its level, into a file that
	// crash reports read (Terraform's and OpenTofu's main.go); Terraform 1.5 passes every provider
	// line to it even with logging off.
	envTempLogPath = "TF_TEMP_LOG_PATH"
	envLogSDK      = "TF_LOG_SDK"
	// envLogSDKProtoDataDir is not a level: it names where terraform-plugin-go writes each
	// request's data. It neither counts as the user choosing an SDK level nor is set here.
	envLogSDKProtoDataDir = "TF_LOG_SDK_PROTO_DATA_DIR"
)

// sdkLevelEnvs are the SDK logger variables this binary's loggers read (terraform-plugin-log's
// root SDK logger, terraform-plugin-go's proto subsystem, terraform-plugin-framework's subsystem):
// the ones SetDefaultLogLevels sets. Setting a subsystem's variable too, rather than relying on
// its inheriting TF_LOG_SDK, lets tfsdklog skip a line before it merges and masks its fields.
var sdkLevelEnvs = []string{envLogSDK, "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// SetDefaultLogLevels sets, in the process environment, the level of each SDK logger and of the
// provider's own logger whose variable the user left unset to the level at which the CLI keeps
// provider logs (see DefaultLogLevels). address is the provider's address as served
// ("registry.terraform.io/bifrost-platform/bifrost"), whose type names the provider's variable.
// Call it before serving, and not when serving with -debug: then the provider's logs go to its
// own stderr, not through a CLI.
func SetDefaultLogLevels(address string) error {
	for k, v := range DefaultLogLevels(os.Environ(), address) {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}

// DefaultLogLevels returns the variables SetDefaultLogLevels sets for the environment environ
// (os.Environ's form): each SDK logger variable when the user set none of them, and
// TF_LOG_PROVIDER_<TYPE> when unset, all to CLIProviderLogLevel.
func DefaultLogLevels(environ []string, address string) map[string]string {
	env := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			if _, dup := env[k]; !dup { // the first one wins, as in os.Getenv
				env[k] = v
			}
		}
	}
	level := CLIProviderLogLevel(env[envLog], env[envLogProvider], env[envTempLogPath])
	out := map[string]string{}
	if !userSetSDKLevel(env) {
		for _, k := range sdkLevelEnvs {
			out[k] = level
		}
	}
	if k := providerLevelEnv(address); k != "" && env[k] == "" {
		out[k] = level
	}
	return out
}

// userSetSDKLevel reports whether the user set any SDK logger's level: TF_LOG_SDK or any
// TF_LOG_SDK_* (PROTO, FRAMEWORK, MUX, HELPER_SCHEMA, HELPER_RESOURCE, and any future one) but
// the data directory. An empty value is unset: terraform-plugin-log reads it as no level.
func userSetSDKLevel(env map[string]string) bool {
	for k, v := range env {
		if v == "" || k == envLogSDKProtoDataDir {
			continue
		}
		if k == envLogSDK || strings.HasPrefix(k, envLogSDK+"_") {
			return true
		}
	}
	return false
}

// providerLevelEnv is the variable terraform-plugin-go reads for the provider's own logger:
// TF_LOG_PROVIDER_ and the address's type, upper case, dashes as underscores.
func providerLevelEnv(address string) string {
	typ := address[strings.LastIndex(address, "/")+1:]
	if typ == "" {
		return ""
	}
	return envLogProvider + "_" + strings.ToUpper(strings.ReplaceAll(typ, "-", "_"))
}

// CLIProviderLogLevel is the level at which Terraform and OpenTofu keep a provider's log lines,
// as their internal/logging computes it: TF_LOG_PROVIDER, or TF_LOG when that is empty,
// upper-cased; empty is OFF, JSON is TRACE, a value that is not a level is TRACE (the CLI
// warns). A set TF_TEMP_LOG_PATH makes it TRACE (see envTempLogPath). The result is a level
// name terraform-plugin-log reads: TRACE, DEBUG, INFO, WARN, ERROR or OFF.
func CLIProviderLogLevel(tfLog, tfLogProvider, tempLogPath string) string {
	if tempLogPath != "" {
		return "TRACE"
	}
	v := strings.ToUpper(tfLogProvider)
	if v == "" {
		v = strings.ToUpper(tfLog)
	}
	switch v {
	case "":
		return "OFF"
	case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF":
		return v
	default: // JSON, or not a level
		return "TRACE"
	}
}
