package keyvault

import "net/http"

// Wire shapes of Key Vault's secrets API (api-version 7.x / 2025-xx), field
// for field as azsecrets decodes them. Unset fields are omitted, like the
// service does; times are integer Unix seconds.

type wireAttributes struct {
	Enabled         *bool  `json:"enabled,omitempty"`
	NotBefore       *int64 `json:"nbf,omitempty"`
	Expires         *int64 `json:"exp,omitempty"`
	Created         *int64 `json:"created,omitempty"`
	Updated         *int64 `json:"updated,omitempty"`
	RecoveryLevel   string `json:"recoveryLevel,omitempty"`
	RecoverableDays *int   `json:"recoverableDays,omitempty"`
}

// wireBundle is a SecretBundle, or a DeletedSecretBundle when the deleted
// fields are set.
type wireBundle struct {
	Value              *string           `json:"value,omitempty"`
	ContentType        string            `json:"contentType,omitempty"`
	ID                 string            `json:"id"`
	Attributes         wireAttributes    `json:"attributes"`
	Tags               map[string]string `json:"tags,omitempty"`
	RecoveryID         string            `json:"recoveryId,omitempty"`
	DeletedDate        *int64            `json:"deletedDate,omitempty"`
	ScheduledPurgeDate *int64            `json:"scheduledPurgeDate,omitempty"`
}

// wirePage is a SecretListResult or DeletedSecretListResult. NextLink has
// no omitempty: the service sends "nextLink": null on the last page.
type wirePage struct {
	Value    []wireBundle `json:"value"`
	NextLink *string      `json:"nextLink"`
}

// wireSetRequest is the body of PUT /secrets/{name}.
type wireSetRequest struct {
	Value       *string           `json:"value"`
	ContentType *string           `json:"contentType"`
	Attributes  *wireRequestAttrs `json:"attributes"`
	Tags        map[string]string `json:"tags"`
}

// wireUpdateRequest is the body of PATCH /secrets/{name}/{version}.
type wireUpdateRequest struct {
	ContentType *string            `json:"contentType"`
	Attributes  *wireRequestAttrs  `json:"attributes"`
	Tags        *map[string]string `json:"tags"` // pointer: absent and {} differ
}

type wireRequestAttrs struct {
	Enabled   *bool  `json:"enabled"`
	NotBefore *int64 `json:"nbf"`
	Expires   *int64 `json:"exp"`
}

type wireBackup struct {
	Value string `json:"value"`
}

// bundleOptions say which optional parts a response carries.
type bundleOptions struct {
	value       bool // GET and PUT return the value; nothing else does
	versionless bool // list items of /secrets and /deletedsecrets
}

func (v *Vault) bundle(r *http.Request, vv versionView, o bundleOptions) wireBundle {
	base := vaultURL(r)
	id := base + "/secrets/" + vv.name
	if !o.versionless {
		id += "/" + vv.v.ID
	}
	enabled, created, updated := vv.v.Enabled, vv.v.Created, vv.v.Updated
	days := v.store.recoverableDays
	b := wireBundle{
		ID:          id,
		ContentType: vv.v.ContentType,
		Attributes: wireAttributes{
			Enabled: &enabled, NotBefore: vv.v.NotBefore, Expires: vv.v.Expires,
			Created: &created, Updated: &updated,
			RecoveryLevel: v.store.recoveryLevel(), RecoverableDays: &days,
		},
	}
	if len(vv.v.Tags) > 0 {
		b.Tags = vv.v.Tags
	}
	if o.value {
		value := vv.v.Value
		b.Value = &value
	}
	if d := vv.deleted; d != nil {
		b.RecoveryID = base + "/deletedsecrets/" + vv.name
		deleted, purge := d.deletedDate, d.purgeDate
		b.DeletedDate, b.ScheduledPurgeDate = &deleted, &purge
	}
	return b
}
