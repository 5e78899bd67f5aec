package keyvault

import (
	"encoding/base64"
	"maps"
	"net/http"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
)

// The handlers of the operations on one secret, in the order of Key Vault's
// REST reference. Each runs once ServeHTTP has let the request through:
// the name in the path is valid, the caller may perform the operation.

func (v *Vault) setSecret(w http.ResponseWriter, r *http.Request) {
	var req wireSetRequest
	if err := decodeBody(w, r, &req); err != nil {
		err.write(w)
		return
	}
	if req.Value == nil {
		badParameter("The request body must contain the secret's 'value'.").write(w)
		return
	}
	if len(*req.Value) > maxValueBytes {
		badParameter("The secret value is %d bytes; Key Vault accepts at most %d bytes.", len(*req.Value), maxValueBytes).write(w)
		return
	}
	if err := checkContentType(req.ContentType); err != nil {
		err.write(w)
		return
	}
	if err := checkTags(req.Tags); err != nil {
		err.write(w)
		return
	}
	version := secretVersion{Value: *req.Value, Tags: maps.Clone(req.Tags), Enabled: true}
	if req.ContentType != nil {
		version.ContentType = *req.ContentType
	}
	if a := req.Attributes; a != nil {
		if a.Enabled != nil {
			version.Enabled = *a.Enabled
		}
		version.NotBefore, version.Expires = a.NotBefore, a.Expires
	}
	vv, err := v.store.set(r.PathValue("name"), version, v.now())
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, v.bundle(r, vv, bundleOptions{value: true}))
}

func (v *Vault) getSecret(w http.ResponseWriter, r *http.Request) {
	vv, err := v.store.get(r.PathValue("name"), r.PathValue("version"), v.now())
	if err != nil {
		err.write(w)
		return
	}
	if !vv.v.Enabled {
		secretDisabled().write(w)
		return
	}
	if out := r.URL.Query().Get("outContentType"); out != "" {
		value, contentType, err := transform(vv.v, out)
		if err != nil {
			err.write(w)
			return
		}
		vv.v.Value, vv.v.ContentType = value, contentType
	}
	httpjson.Write(w, http.StatusOK, v.bundle(r, vv, bundleOptions{value: true}))
}

func (v *Vault) updateSecret(w http.ResponseWriter, r *http.Request) {
	var req wireUpdateRequest
	if err := decodeBody(w, r, &req); err != nil {
		err.write(w)
		return
	}
	p := secretPatch{ContentType: req.ContentType}
	if err := checkContentType(req.ContentType); err != nil {
		err.write(w)
		return
	}
	if req.Tags != nil {
		if err := checkTags(*req.Tags); err != nil {
			err.write(w)
			return
		}
		p.Tags, p.TagsSet = maps.Clone(*req.Tags), true
	}
	if a := req.Attributes; a != nil {
		p.Enabled, p.NotBefore, p.Expires = a.Enabled, a.NotBefore, a.Expires
	}
	vv, err := v.store.update(r.PathValue("name"), r.PathValue("version"), p, v.now())
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, v.bundle(r, vv, bundleOptions{}))
}

func (v *Vault) deleteSecret(w http.ResponseWriter, r *http.Request) {
	vv, err := v.store.delete(r.PathValue("name"), v.now(), v.faults.Load().DeleteDelay)
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, v.bundle(r, vv, bundleOptions{}))
}

func (v *Vault) getDeletedSecret(w http.ResponseWriter, r *http.Request) {
	vv, err := v.store.getDeleted(r.PathValue("name"), v.now())
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, v.bundle(r, vv, bundleOptions{}))
}

func (v *Vault) purgeDeletedSecret(w http.ResponseWriter, r *http.Request) {
	if err := v.store.purge(r.PathValue("name"), v.now(), v.faults.Load().PurgeDelay); err != nil {
		err.write(w)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (v *Vault) recoverDeletedSecret(w http.ResponseWriter, r *http.Request) {
	vv, err := v.store.recover(r.PathValue("name"), v.now(), v.faults.Load().RecoverDelay)
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, v.bundle(r, vv, bundleOptions{}))
}

func (v *Vault) backupSecret(w http.ResponseWriter, r *http.Request) {
	blob, err := v.store.backup(r.PathValue("name"), v.now())
	if err != nil {
		err.write(w)
		return
	}
	data, serr := v.backupKey.seal(blob)
	if serr != nil {
		(&kvError{status: http.StatusInternalServerError, code: codeInternal, message: "backup failed"}).write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, wireBackup{Value: base64.RawURLEncoding.EncodeToString(data)})
}

func (v *Vault) restoreSecret(w http.ResponseWriter, r *http.Request) {
	var req wireBackup
	if err := decodeBody(w, r, &req); err != nil {
		err.write(w)
		return
	}
	blob, err := v.backupKey.open(req.Value)
	if err != nil {
		err.write(w)
		return
	}
	nameInUse := func() *kvError {
		return restoreConflict(vaultURL(r) + "/secrets/" + blob.Name + "/" + blob.Versions[len(blob.Versions)-1].ID)
	}
	vv, err := v.store.restore(blob, v.now(), nameInUse)
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, v.bundle(r, vv, bundleOptions{}))
}
