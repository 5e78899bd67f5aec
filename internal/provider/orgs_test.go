package provider

// The organizations the tests use: testOrg by default, the others where a test needs more than
// one scope (testOrgB for the isolation tests of safety_test.go).
//
// They are constants, which tests use both as strings and as bifrost.Scope. A live run
// (`make testacc-live`) builds the tests with this file replaced through `go test -overlay` by
// one that scripts/testacc-live.sh writes: the same names with ids of the run's own (each keeps
// its first group here, so they sort alike, then -7e57-4acc-, then the run's id), so that two
// runs against one vault never share a Key Vault name in an organization scope; liveRunID says
// which run it is (see live_test.go).
const (
	testOrg  = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
	otherOrg = "8b0e6d1a-2c4f-4e3a-9b7d-1f2e3a4b5c6d"
	thirdOrg = "c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
	testOrgB = "9b2d4e6f-1a3c-4e5f-8a7b-0c1d2e3f4a5b"
)

// liveRunID is empty here; in a live run's replacement of this file it is the run's id.
const liveRunID = ""
