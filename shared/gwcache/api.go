// Package gwcache is the gateway's on-disk plugin caches (contract.md §5.6): A, the OCI pull cache of
// zips with .layer-sha256 sidecars, and B, the unpack cache under the OS temp dir (owner: the cache
// engineer).
package gwcache
