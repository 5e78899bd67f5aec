package bifrost

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// ResolveParallelism bounds the reads ResolveConfigs has in flight at once:
// enough to hide Key Vault's latency for a whole configuration, few enough
// to stay well inside its per-vault throttling limits.
const ResolveParallelism = 8

// ResolveConfigs does what [Store.ResolveConfig] does for many keys of one
// scope at once. With keys nil it resolves every config config.get can see
// from scope: the scope's own and, when fallbackToGlobal is set, global's
// (an organization's config hides global's of the same key). Otherwise it
// resolves exactly keys, and keys found in neither scope fail the whole
// call with one ErrNotFound naming all of them.
//
// Each key resolves as ResolveConfig would: where the config exists, in
// scope or else in global, with a secret_reference followed to its secret
// and every ownership check of a single read. Instead of trying scopes one
// GET at a time it lists the vault once to know where each key lives, then
// reads the configs, and after them each referenced secret once however many
// configs point at it, at most [ResolveParallelism] requests at a time. The
// first failure in key order is returned, with the same Code as
// ResolveConfig's.
//
// Requests: the vault listing (1 per 25 secrets in the vault), 1 GET per key,
// 1 GET per distinct secret referenced.
func (s *Store) ResolveConfigs(ctx context.Context, scope Scope, keys []string, fallbackToGlobal bool) ([]Resolved, error) {
	const op = "resolve"
	sc, err := ParseScope(string(scope))
	if err != nil {
		return nil, withTarget(err, target{kind: KindConfig}, op)
	}
	t := target{scope: sc, kind: KindConfig}
	for _, k := range keys {
		if _, err := identify(op, t.scope, KindConfig, k); err != nil {
			return nil, err
		}
	}
	scopes := []Scope{t.scope}
	if fallbackToGlobal && !t.scope.IsGlobal() {
		scopes = append(scopes, GlobalScope)
	}
	where, err := s.configScopes(ctx, t, op, scopes)
	if err != nil {
		return nil, err
	}
	if keys == nil {
		keys = make([]string, 0, len(where))
		for k := range where {
			keys = append(keys, k)
		}
	} else {
		keys = slices.Clone(keys)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var missing []string
	for _, k := range keys {
		if _, ok := where[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, missingConfigs(t, missing, scopes, fallbackToGlobal)
	}

	configs := make([]*Entry, len(keys))
	configErrs := make([]error, len(keys))
	parallel(len(keys), func(i int) {
		configs[i], configErrs[i] = s.Get(ctx, where[keys[i]], KindConfig, keys[i])
	})

	// Read each referenced secret once; a reference that is malformed or
	// crosses organizations is left to resolveValue, which refuses it.
	secretIndex := map[SecretID]int{}
	var refs []SecretID
	for i, cfg := range configs {
		if configErrs[i] != nil || cfg.Type != TypeSecretReference {
			continue
		}
		ref, err := ParseSecretID(cfg.Value)
		if err != nil || CheckReference(cfg.Scope, ref) != nil {
			continue
		}
		if _, seen := secretIndex[ref]; !seen {
			secretIndex[ref] = len(refs)
			refs = append(refs, ref)
		}
	}
	secrets := make([]*Entry, len(refs))
	secretErrs := make([]error, len(refs))
	parallel(len(refs), func(i int) {
		secrets[i], secretErrs[i] = s.Get(ctx, refs[i].Scope, KindSecret, refs[i].Name)
	})

	out := make([]Resolved, len(keys))
	for i, k := range keys {
		if err := configErrs[i]; err != nil {
			return nil, withOp(err, op)
		}
		r, err := resolveValue(op, k, configs[i], func(ref SecretID) (*Entry, error) {
			j := secretIndex[ref]
			return secrets[j], secretErrs[j]
		})
		if err != nil {
			return nil, err
		}
		out[i] = *r
	}
	return out, nil
}

// configScopes lists the vault once and says, for every config key of the
// first of scopes that has it, which scope that is: where config.get finds
// the key when scopes are tried in order.
func (s *Store) configScopes(ctx context.Context, t target, op string, scopes []Scope) (map[string]Scope, error) {
	rank := func(sc Scope) int { return slices.Index(scopes, sc) }
	where := map[string]Scope{}
	err := s.eachListed(ctx, t, op, func(e Entry) {
		if e.Kind != KindConfig || rank(e.Scope) < 0 {
			return
		}
		if found, ok := where[e.Name]; !ok || rank(e.Scope) < rank(found) {
			where[e.Name] = e.Scope
		}
	})
	if err != nil {
		return nil, err
	}
	return where, nil
}

// parallel runs do(0) ... do(n-1) with at most ResolveParallelism running
// at once, and returns when all have. Once the context ends, each do fails
// fast on its first request, so the remaining ones drain quickly.
func parallel(n int, do func(i int)) {
	slots := make(chan struct{}, ResolveParallelism)
	var wg sync.WaitGroup
	for i := range n {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			do(i)
		}()
	}
	wg.Wait()
}

// missingConfigs is the ErrNotFound of ResolveConfigs: every key asked for
// that no scope tried has, the scopes tried, and how to add the configs.
func missingConfigs(t target, keys []string, tried []Scope, fallback bool) *Error {
	if len(keys) == 1 {
		one := t
		one.name = keys[0]
		return missingConfig(one, tried, fallback, nil)
	}
	where := make([]string, len(tried))
	for i, sc := range tried {
		where[i] = sc.Phrase()
	}
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	detail := fmt.Sprintf("%d keys not found in %s: %s", len(keys), strings.Join(where, " or in "), strings.Join(quoted, ", "))
	if !fallback && !t.scope.IsGlobal() {
		detail += " (fallback_to_global is off, so global was not tried)"
	}
	detail += fmt.Sprintf(`. Add each with a bifrost_config resource (organization_id = %q, the key, its type and value)`, t.scope)
	if len(tried) > 1 {
		detail += ` or with organization_id = "global" to set it for every organization`
	}
	detail += ", or remove them from keys"
	return &Error{Code: ErrNotFound, Op: "resolve", Scope: t.scope, Kind: KindConfig, Detail: detail}
}
