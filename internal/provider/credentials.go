package provider

import (
	"encoding/base64"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// base64Validator refuses a client_certificate that is not base64, without quoting it.
var base64Validator = domainValidator{
	summary:     "Invalid client_certificate",
	description: "must be base64 (e.g. the output of `base64 -w0 app.pfx`)",
	check: func(v string) error {
		if _, err := decodeBase64(v); err != nil {
			return fmt.Errorf("client_certificate is not base64 (%w); encode the PKCS#12 or PEM file, e.g. with base64 -w0 app.pfx", err)
		}
		return nil
	},
}

// decodeBase64 accepts standard base64 with or without padding and line breaks, as tools write it.
func decodeBase64(v string) ([]byte, error) {
	v = strings.Join(strings.Fields(v), "")
	if b, err := base64.StdEncoding.DecodeString(v); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(v, "="))
}

// chosenMethods are the methods whose switch is on, in table order.
func (s *providerSettings) chosenMethods() []*credentialMethod {
	var chosen []*credentialMethod
	for i := range credentialMethods {
		if m := &credentialMethods[i]; m.chosenBy != nil && m.chosenBy.on(s) {
			chosen = append(chosen, m)
		}
	}
	return chosen
}

// credential is the method the provider authenticates with: the first one switched on, else
// the default chain.
func (s *providerSettings) credential() *credentialMethod {
	if chosen := s.chosenMethods(); len(chosen) > 0 {
		return chosen[0]
	}
	return &credentialMethods[len(credentialMethods)-1]
}

// describe names the method with its switch, for diagnostics.
func (m *credentialMethod) describe() string {
	if m.chosenBy == nil {
		return m.name + " (no credential is chosen)"
	}
	return fmt.Sprintf("%s (%s)", m.name, m.chosenBy.attributeName())
}

// reads says whether the method reads attribute a, directly or through a's file twin.
func (m *credentialMethod) reads(a providerAttribute) bool {
	for _, t := range fileTwins {
		if a == t.file {
			a = t.value
		}
	}
	if a == m.chosenBy || a == m.principal {
		return true
	}
	for _, r := range m.requires {
		if a == r {
			return true
		}
	}
	for _, u := range m.uses {
		if a == u {
			return true
		}
	}
	return false
}

// CredentialKind names the way the provider authenticates, for logs and 401 diagnostics.
func (s providerSettings) CredentialKind() string {
	m := s.credential()
	var about []string
	if m.principal != nil {
		about = append(about, m.principal.name+" "+m.principal.value(&s))
	}
	if m.proof != nil {
		if p := m.proof(&s); p != "" {
			about = append(about, p)
		}
	}
	if len(about) == 0 {
		return m.name
	}
	return fmt.Sprintf("%s (%s)", m.name, strings.Join(about, ", "))
}

// resolveCredentials reads the *_file_path twins, makes sure at most one method is chosen, that
// it has what it requires, and that no method's options are given in a way that shows a
// mistake; it warns about credential variables the chosen method does not read.
func resolveCredentials(s *providerSettings, getenv func(string) string) diag.Diagnostics {
	diags := readFileTwins(s)
	if diags.HasError() {
		return diags
	}
	chosen := s.chosenMethods()
	if len(chosen) > 1 {
		// Naming every switch that is on, and where it was set, tells the user what to drop: a
		// variable left in the shell or exported for the whole pipeline is the usual culprit.
		names := make([]string, len(chosen))
		for i, m := range chosen {
			names[i] = fmt.Sprintf("%s (set %s)", m.chosenBy.attributeName(), s.sourceOf(m.chosenBy).where())
		}
		diags.AddAttributeError(path.Root(chosen[1].chosenBy.attributeName()), "Conflicting authentication settings",
			fmt.Sprintf("Choose one way to authenticate; these are all set: %s. Remove all but one: delete the attribute from the provider block, or unset the variable.", strings.Join(names, ", ")))
	}
	if len(chosen) > 0 {
		diags.Append(checkRequired(s, chosen[0])...)
	}
	for i := range credentialMethods {
		m := &credentialMethods[i]
		if m.check != nil {
			on := m.chosenBy != nil && m.chosenBy.on(s)
			diags.Append(m.check(s, checkState{on: on, defaultChain: len(chosen) == 0, getenv: getenv})...)
		}
	}
	if !diags.HasError() {
		diags.Append(warnUnusedVariables(s.credential(), getenv)...)
	}
	return diags
}

func checkRequired(s *providerSettings, m *credentialMethod) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, r := range m.requires {
		if !r.on(s) {
			where := r.name
			if t := fileTwinOf(r); t != nil {
				where += " (or " + t.file.name + ")"
			}
			diags.AddAttributeError(path.Root(r.name), "Missing "+r.name,
				fmt.Sprintf("Authenticating with %s needs %s: set %s in the provider block, or %s in the environment.",
					m.describe(), r.name, where, oneOf(r.env)))
		}
	}
	return diags
}

// fileTwin is an attribute that may also be given as the path of a file holding it, as azurerm
// and HCP Terraform's dynamic credentials do.
type fileTwin struct {
	value, file *stringAttribute[string]
}

var fileTwins = []fileTwin{
	{value: clientIDAttr, file: clientIDFilePathAttr},
	{value: clientSecretAttr, file: clientSecretFilePathAttr},
}

func fileTwinOf(a *stringAttribute[string]) *fileTwin {
	for i := range fileTwins {
		if fileTwins[i].value == a {
			return &fileTwins[i]
		}
	}
	return nil
}

// readFileTwins fills each value from its file when only the file is given. Given both, the
// provider block beats the environment, as for every attribute; both at the same level is a
// conflict.
func readFileTwins(s *providerSettings) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, t := range fileTwins {
		if !t.file.on(s) {
			continue
		}
		valueSrc, fileSrc := s.sourceOf(t.value), s.sourceOf(t.file)
		if t.value.on(s) {
			if valueSrc.inBlock == fileSrc.inBlock {
				diags.AddAttributeError(path.Root(t.file.name), "Conflicting "+t.value.name+" and "+t.file.name,
					fmt.Sprintf("%s is set %s and %s %s; set only one of them.", t.value.name, valueSrc.where(), t.file.name, fileSrc.where()))
				continue
			}
			if valueSrc.inBlock {
				continue
			}
		}
		b, err := os.ReadFile(t.file.value(s))
		if err != nil {
			diags.AddAttributeError(path.Root(t.file.name), "Cannot read "+t.file.name,
				fmt.Sprintf("%s (set %s) must name a readable file holding %s: %s", t.file.name, fileSrc.where(), t.value.name, err))
			continue
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			diags.AddAttributeError(path.Root(t.file.name), "Empty "+t.file.name,
				fmt.Sprintf("The file %s names (set %s) is empty; it must hold %s.", t.file.name, fileSrc.where(), t.value.name))
			continue
		}
		t.value.set(s, v)
		s.setSource(t.value, fileSrc)
	}
	return diags
}

// where says where a given value came from, in prose.
func (src source) where() string {
	if src.inBlock {
		return "in the provider block"
	}
	return "by " + src.env
}

// unreadVariables are azurerm's credential variables with no counterpart here.
var unreadVariables = map[string]string{
	"ARM_MSI_ENDPOINT":         "the managed identity endpoint is found by the Azure SDK",
	"ARM_MSI_API_VERSION":      "the managed identity API version is chosen by the Azure SDK",
	"ARM_AUXILIARY_TENANT_IDS": "Key Vault is called in the vault's tenant only",
}

// warnUnusedVariables warns about each ARM_* credential variable that is set but that the chosen
// method does not read: azurerm's variables are often exported for a whole pipeline, and one
// meant for this provider but ignored would otherwise go unnoticed.
func warnUnusedVariables(m *credentialMethod, getenv func(string) string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, a := range credentialAttributes() {
		if m.reads(a) {
			continue
		}
		for _, e := range a.environmentVariables() {
			if !strings.HasPrefix(e, "ARM_") || !isSet(a, getenv(e)) {
				continue
			}
			diags.AddAttributeWarning(path.Root(a.attributeName()), "Credential variable not used",
				fmt.Sprintf("%s is set in the environment, but the provider authenticates with %s, which does not use %s. Unset %s, or choose the credential it belongs to.",
					e, m.describe(), a.attributeName(), e))
		}
	}
	names := make([]string, 0, len(unreadVariables))
	for e := range unreadVariables {
		names = append(names, e)
	}
	sort.Strings(names)
	for _, e := range names {
		if getenv(e) != "" {
			diags.AddWarning("Credential variable not used",
				fmt.Sprintf("%s is set in the environment, but this provider never reads it (%s). The provider authenticates with %s.", e, unreadVariables[e], m.describe()))
		}
	}
	return diags
}

// credentialAttributes are the attributes some credential method reads, in the provider
// block's order.
func credentialAttributes() []providerAttribute {
	var out []providerAttribute
	for _, a := range providerAttributes {
		for i := range credentialMethods {
			if credentialMethods[i].reads(a) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// isSet says whether an environment value sets a: a switch only when it is true.
func isSet(a providerAttribute, value string) bool {
	if _, ok := a.(*boolAttribute); ok {
		b, _ := strconv.ParseBool(value)
		return b
	}
	return value != ""
}

// checkCertificateOptions refuses a certificate password without a certificate.
func checkCertificateOptions(s *providerSettings, c checkState) diag.Diagnostics {
	var diags diag.Diagnostics
	if !c.on && !clientCertificateAttr.on(s) && clientCertificatePasswordAttr.on(s) {
		diags.AddAttributeError(path.Root(clientCertificatePasswordAttr.name), "Certificate password without a certificate",
			fmt.Sprintf("%s is set but neither %s nor %s is.", clientCertificatePasswordAttr.name, clientCertificatePathAttr.name, clientCertificateAttr.name))
	}
	return diags
}

// systemOIDCRequestURI is where Azure Pipelines puts its OIDC endpoint; the Azure SDK's
// AzurePipelinesCredential reads it from the environment itself.
const systemOIDCRequestURI = "SYSTEM_OIDCREQUESTURI"

// ambientTokenFile is AKS workload identity's token file variable: the webhook sets it in every
// labelled pod, whether or not this provider should use it.
const ambientTokenFile = "AZURE_FEDERATED_TOKEN_FILE"

// oidcTokenSourcesGiven are the OIDC token sources that are set, in the order use_oidc takes
// them; the first is the one it uses. The order is azurerm's (docs/guides/authentication.md
// names the azurerm code and commit it was read from): a token, a token file, Azure DevOps'
// endpoint with a service connection, a token endpoint like GitHub Actions'. Pipelines set the
// variables of several at once (an Azure DevOps step with SYSTEM_OIDCREQUESTURI exporting a
// token, GitHub Actions' request URL in every job that may ask for a token), so a combination
// is not a conflict. AZURE_FEDERATED_TOKEN_FILE comes last: azurerm reads it only with
// use_aks_workload_identity, so any other source beats it.
func oidcTokenSourcesGiven(s *providerSettings) []*stringAttribute[string] {
	given := oidcTokensGiven(s)
	switch {
	case adoPipelineServiceConnectionIDAttr.on(s):
		// With a service connection id, the request URL is Azure DevOps' and part of this source.
		given = append(given, adoPipelineServiceConnectionIDAttr)
	case oidcRequestURLAttr.on(s):
		given = append(given, oidcRequestURLAttr)
	}
	if oidcTokenFilePathAttr.on(s) && s.sourceOf(oidcTokenFilePathAttr).env == ambientTokenFile {
		given = append(given, oidcTokenFilePathAttr)
	}
	return given
}

// oidcTokensGiven are the ID tokens given as such, oidc_token and a token file other than AKS's
// ambient one, in the order use_oidc takes them.
func oidcTokensGiven(s *providerSettings) []*stringAttribute[string] {
	var given []*stringAttribute[string]
	if oidcTokenAttr.on(s) {
		given = append(given, oidcTokenAttr)
	}
	if oidcTokenFilePathAttr.on(s) && s.sourceOf(oidcTokenFilePathAttr).env != ambientTokenFile {
		given = append(given, oidcTokenFilePathAttr)
	}
	if len(given) == 2 && s.sourceOf(oidcTokenFilePathAttr).inBlock && !s.sourceOf(oidcTokenAttr).inBlock {
		// A token file named in the provider block beats a token from the environment, as for
		// client_id and client_id_file_path: an HCP Terraform alias names its own files in the
		// block while ARM_OIDC_TOKEN may hold the default configuration's token.
		slices.Reverse(given)
	}
	return given
}

// oidcTokenSource says where the OIDC credential gets its ID token, for CredentialKind.
func oidcTokenSource(s *providerSettings) string {
	given := oidcTokenSourcesGiven(s)
	if len(given) == 0 {
		return ""
	}
	a := given[0]
	if a == adoPipelineServiceConnectionIDAttr {
		return "ID token from Azure DevOps service connection " + adoPipelineServiceConnectionIDAttr.value(s)
	}
	return fmt.Sprintf("ID token from %s (set %s)", a.name, s.sourceOf(a).where())
}

// checkOIDCOptions makes sure use_oidc has a token source with what it needs, and that a token
// source written in the provider block is not left without use_oidc.
func checkOIDCOptions(s *providerSettings, c checkState) diag.Diagnostics {
	var diags diag.Diagnostics
	given := oidcTokenSourcesGiven(s)
	switch {
	case !c.on && c.defaultChain && oidcSourceInBlock(s):
		// A token source written in the provider block without use_oidc is a forgotten
		// switch. The same variables in the environment are not: CI runners and AKS set them
		// whether or not this provider should use them.
		diags.AddAttributeError(path.Root(useOIDCAttr.name), "OIDC token given without use_oidc",
			"An OIDC token source is set in the provider block; set use_oidc = true (or ARM_USE_OIDC=true) to authenticate with it.")
	case !c.on:
	case len(given) == 0:
		diags.AddAttributeError(path.Root(useOIDCAttr.name), "Missing OIDC token source",
			"use_oidc needs one of oidc_token, oidc_token_file_path, oidc_request_url with oidc_request_token (GitHub Actions sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN when the job has `permissions: id-token: write`), or ado_pipeline_service_connection_id (Azure DevOps, with SYSTEM_ACCESSTOKEN).")
	default:
		diags.Append(checkTokenAndFileAgree(s)...)
		if a := given[0]; a == adoPipelineServiceConnectionIDAttr || a == oidcRequestURLAttr {
			diags.Append(checkOIDCRequest(s, c)...)
		}
		diags.Append(warnUnusedOIDCSources(s, given)...)
	}
	return diags
}

// checkTokenAndFileAgree refuses oidc_token and oidc_token_file_path given at the same level
// (both in the block, or both in the environment) when the file holds another token, as
// azurerm does: neither can be said to win.
func checkTokenAndFileAgree(s *providerSettings) diag.Diagnostics {
	var diags diag.Diagnostics
	tokenSrc, fileSrc := s.sourceOf(oidcTokenAttr), s.sourceOf(oidcTokenFilePathAttr)
	if !oidcTokenAttr.on(s) || !oidcTokenFilePathAttr.on(s) || fileSrc.env == ambientTokenFile || tokenSrc.inBlock != fileSrc.inBlock {
		return diags
	}
	b, err := os.ReadFile(oidcTokenFilePathAttr.value(s))
	switch {
	case err != nil:
		diags.AddAttributeError(path.Root(oidcTokenFilePathAttr.name), "Cannot read "+oidcTokenFilePathAttr.name,
			fmt.Sprintf("%s (set %s) must name a readable file holding an ID token: %s", oidcTokenFilePathAttr.name, fileSrc.where(), err))
	case strings.TrimSpace(string(b)) != oidcTokenAttr.value(s):
		diags.AddAttributeError(path.Root(oidcTokenFilePathAttr.name), "Conflicting oidc_token and oidc_token_file_path",
			fmt.Sprintf("oidc_token is set %s and oidc_token_file_path %s, and the file holds another token, so neither can be taken for the other (azurerm refuses this too). Unset one of them.",
				tokenSrc.where(), fileSrc.where()))
	}
	return diags
}

// warnUnusedOIDCSources warns about each token source that comes after the one use_oidc takes
// and that someone set on purpose (in the block, or by a BIFROST_* or ARM_* variable); the
// variables a platform sets by itself (ACTIONS_*, SYSTEM_*, AZURE_*) are left unmentioned.
func warnUnusedOIDCSources(s *providerSettings, given []*stringAttribute[string]) diag.Diagnostics {
	var diags diag.Diagnostics
	chosen := given[0]
	for _, a := range given[1:] {
		if a == oidcTokenAttr || a == oidcTokenFilePathAttr {
			// The token and its file: the other one wins by level, or they agree.
			continue
		}
		src := s.sourceOf(a)
		if !src.inBlock && !strings.HasPrefix(src.env, "ARM_") && !strings.HasPrefix(src.env, "BIFROST_") {
			continue
		}
		diags.AddAttributeWarning(path.Root(a.name), "OIDC token source not used",
			fmt.Sprintf("%s is set %s, but use_oidc takes its ID token from %s (set %s), which comes first in azurerm's order: oidc_token, oidc_token_file_path, ado_pipeline_service_connection_id (Azure DevOps), oidc_request_url (GitHub Actions). Unset %s if it was meant for this provider.",
				a.name, src.where(), chosen.name, s.sourceOf(chosen).where(), a.name))
	}
	return diags
}

// oidcSourceInBlock reports whether the provider block itself sets an OIDC token source.
func oidcSourceInBlock(s *providerSettings) bool {
	for _, a := range []*stringAttribute[string]{oidcTokenAttr, oidcTokenFilePathAttr, oidcRequestURLAttr, adoPipelineServiceConnectionIDAttr} {
		if s.sourceOf(a).inBlock {
			return true
		}
	}
	return false
}

// checkOIDCRequest checks the token source of use_oidc when it is a request for an ID token:
// Azure DevOps' (ado_pipeline_service_connection_id) or GitHub Actions' (oidc_request_url).
func checkOIDCRequest(s *providerSettings, c checkState) diag.Diagnostics {
	if adoPipelineServiceConnectionIDAttr.on(s) {
		return checkAzureDevOpsRequest(s, c)
	}
	var diags diag.Diagnostics
	switch {
	case s.sourceOf(oidcRequestURLAttr).env == systemOIDCRequestURI:
		diags.AddAttributeError(path.Root(adoPipelineServiceConnectionIDAttr.name), "Missing ado_pipeline_service_connection_id",
			"The only OIDC token source here is SYSTEM_OIDCREQUESTURI, Azure DevOps' OIDC endpoint, which issues tokens for a service connection: set ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID (ado_pipeline_service_connection_id) to its id, in a step of a task that names the connection (AzureCLI@2 with azureSubscription); or set ARM_OIDC_TOKEN to a token such a task gives you.")
	case oidcRequestURLAttr.on(s) && !oidcRequestTokenAttr.on(s):
		diags.AddAttributeError(path.Root(oidcRequestTokenAttr.name), "Missing oidc_request_token",
			"oidc_request_url needs oidc_request_token (ACTIONS_ID_TOKEN_REQUEST_TOKEN in GitHub Actions).")
	}
	return diags
}

// checkAzureDevOpsRequest checks Azure DevOps' token source: the pipeline's OIDC endpoint, which
// the Azure SDK's AzurePipelinesCredential reads from SYSTEM_OIDCREQUESTURI itself, and the job's
// access token.
func checkAzureDevOpsRequest(s *providerSettings, c checkState) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case !oidcRequestURLAttr.on(s):
		diags.AddAttributeError(path.Root(oidcRequestURLAttr.name), "Missing "+systemOIDCRequestURI,
			"Azure DevOps workload identity (ado_pipeline_service_connection_id) requests the pipeline's ID token from SYSTEM_OIDCREQUESTURI, which Azure Pipelines sets in every job; it is not set here. Run the provider in an Azure Pipelines job.")
	case c.getenv(systemOIDCRequestURI) != oidcRequestURLAttr.value(s):
		diags.AddAttributeError(path.Root(oidcRequestURLAttr.name), "oidc_request_url not used by Azure DevOps",
			fmt.Sprintf("Azure DevOps workload identity requests its ID token from SYSTEM_OIDCREQUESTURI, but oidc_request_url is set %s to another URL. Remove it, or set SYSTEM_OIDCREQUESTURI to it.", s.sourceOf(oidcRequestURLAttr).where()))
	case !oidcRequestTokenAttr.on(s):
		diags.AddAttributeError(path.Root(oidcRequestTokenAttr.name), "Missing SYSTEM_ACCESSTOKEN",
			"Azure DevOps workload identity needs the job's access token to request an ID token: map it into the step's environment (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)), or set oidc_request_token.")
	}
	return diags
}
