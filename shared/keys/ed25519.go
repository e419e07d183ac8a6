package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"

	"filippo.io/edwards25519"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

// Pure Ed25519 (RFC 8032 §5.1.6) hashes the message twice: once for the nonce r =
// SHA-512(prefix ‖ M) and once for k = SHA-512(R ‖ A ‖ M), with R = rB known only after the
// first pass. Signing therefore reads the input twice; verifying knows R from the signature and
// reads it once.

// ErrChanged reports that the input was modified between the two signing passes. No signature is
// returned then: one made from two different messages would share its nonce with the genuine
// signature of either, and two such signatures reveal the private key.
var ErrChanged = errors.New("the input changed while it was being signed")

// Sign produces the pure-Ed25519 signature of the size bytes of r, reading them twice as pure
// Ed25519 requires, with constant memory.
func Sign(priv ed25519.PrivateKey, r io.ReaderAt, size int64) ([]byte, error) {
	sig, _, err := SignAndHash(priv, r, size)
	return sig, err
}

// SignAndHash is Sign that also returns the SHA-256 of the signed bytes. Both passes compute it
// on a second core; if they disagree the input changed and ErrChanged is returned.
func SignAndHash(priv ed25519.PrivateKey, r io.ReaderAt, size int64) ([]byte, digest.Digest, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, digest.Digest{}, fmt.Errorf("ed25519: bad private key length %d", len(priv))
	}
	h := sha512.Sum512(priv.Seed())
	s, err := edwards25519.NewScalar().SetBytesWithClamping(h[:32])
	if err != nil {
		panic(err) // 32 bytes always clamp
	}
	A := new(edwards25519.Point).ScalarBaseMult(s).Bytes()
	// The public half must be the one the seed yields: it enters k, and a mismatch would make
	// signatures that verify under no key while reusing the seed's nonces.
	if !bytes.Equal(A, priv.Public().(ed25519.PublicKey)) {
		return nil, digest.Digest{}, errors.New("ed25519: private key's public half does not match its seed")
	}

	nonceHash := sha512.New()
	nonceHash.Write(h[32:])
	sum1, err := hashPass(r, size, nonceHash)
	if err != nil {
		return nil, digest.Digest{}, err
	}
	nonce, _ := edwards25519.NewScalar().SetUniformBytes(nonceHash.Sum(nil))
	R := new(edwards25519.Point).ScalarBaseMult(nonce).Bytes()

	kHash := sha512.New()
	kHash.Write(R)
	kHash.Write(A)
	sum2, err := hashPass(r, size, kHash)
	if err != nil {
		return nil, digest.Digest{}, err
	}
	if sum1 != sum2 {
		return nil, digest.Digest{}, ErrChanged
	}
	k, _ := edwards25519.NewScalar().SetUniformBytes(kHash.Sum(nil))
	S := edwards25519.NewScalar().MultiplyAdd(k, s, nonce)
	return append(R, S.Bytes()...), sum1, nil
}

// hashPass feeds the size bytes of r to h and, in parallel, to a SHA-256 whose sum it returns.
func hashPass(r io.ReaderAt, size int64, h hash.Hash) (digest.Digest, error) {
	sum := sha256.New()
	n, err := fanOut(io.NewSectionReader(r, 0, size), h, sum)
	if err != nil {
		return digest.Digest{}, err
	}
	if n != size {
		return digest.Digest{}, fmt.Errorf("%w: read %d bytes, expected %d", ErrChanged, n, size)
	}
	if err := CheckEnd(r, size); err != nil {
		return digest.Digest{}, err
	}
	return digest.FromHash(sum), nil
}

// CheckEnd confirms r holds nothing past size. A file whose reported size is short of its content
// (procfs, or one still being appended to) must not have a signature made or checked over a prefix.
func CheckEnd(r io.ReaderAt, size int64) error {
	var b [1]byte
	n, err := r.ReadAt(b[:], size)
	if n > 0 {
		return fmt.Errorf("%w: it holds more than the %d bytes its size reports", ErrChanged, size)
	}
	if err != nil && err != io.EOF {
		return err
	}
	return nil
}

// Verifier checks a signature over a message written to it in pieces. It agrees with
// crypto/ed25519.Verify on every input: non-canonical S and undecodable public keys fail, and
// [S]B − [k]A is compared with R by encoding.
type Verifier struct {
	h    hash.Hash // SHA-512(R ‖ A ‖ M) so far; nil when the signature cannot verify anyway
	minA *edwards25519.Point
	S    *edwards25519.Scalar
	R    []byte
}

// NewVerifier starts checking sig under pub. It fails only for a public key that is not 32
// bytes; a malformed signature makes Verify return false.
func NewVerifier(pub ed25519.PublicKey, sig []byte) (*Verifier, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ed25519: bad public key length %d", len(pub))
	}
	v := &Verifier{}
	if len(sig) != ed25519.SignatureSize || sig[63]&0xe0 != 0 {
		return v, nil
	}
	A, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return v, nil
	}
	S, err := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
	if err != nil {
		return v, nil
	}
	v.minA, v.S, v.R = new(edwards25519.Point).Negate(A), S, bytes.Clone(sig[:32])
	v.h = sha512.New()
	v.h.Write(v.R)
	v.h.Write(pub)
	return v, nil
}

// Write adds message bytes; it never fails.
func (v *Verifier) Write(p []byte) (int, error) {
	if v.h != nil {
		v.h.Write(p)
	}
	return len(p), nil
}

// Verify reports whether the signature is valid for everything written so far.
func (v *Verifier) Verify() bool {
	if v.h == nil {
		return false
	}
	k, _ := edwards25519.NewScalar().SetUniformBytes(v.h.Sum(nil))
	R := new(edwards25519.Point).VarTimeDoubleScalarBaseMult(k, v.minA, v.S)
	return bytes.Equal(R.Bytes(), v.R)
}

// Verify checks sig over everything r yields in one streaming pass; it agrees with
// crypto/ed25519.Verify on every input.
func Verify(pub ed25519.PublicKey, r io.Reader, sig []byte) (bool, error) {
	v, err := NewVerifier(pub, sig)
	if err != nil {
		return false, err
	}
	if _, err := fanOut(r, v); err != nil {
		return false, err
	}
	return v.Verify(), nil
}

// VerifyAndHash is Verify that also returns the SHA-256 and the length of what r yielded, the
// two hashes running on separate cores. A nil pub only hashes (ok is then false).
func VerifyAndHash(pub ed25519.PublicKey, r io.Reader, sig []byte) (ok bool, sum digest.Digest, n int64, err error) {
	var pubs []ed25519.PublicKey
	if pub != nil {
		pubs = append(pubs, pub)
	}
	each, sum, n, err := VerifyEachAndHash(pubs, r, sig)
	return len(each) == 1 && each[0], sum, n, err
}

// VerifyEachAndHash is VerifyAndHash for a set of keys in the same single pass: ok[i] reports
// whether sig verifies under pubs[i]. The hashes run on separate cores.
func VerifyEachAndHash(pubs []ed25519.PublicKey, r io.Reader, sig []byte) (ok []bool, sum digest.Digest, n int64, err error) {
	sha := sha256.New()
	ws := []io.Writer{sha}
	vs := make([]*Verifier, len(pubs))
	for i, pub := range pubs {
		if vs[i], err = NewVerifier(pub, sig); err != nil {
			return nil, digest.Digest{}, 0, err
		}
		if vs[i].h != nil {
			ws = append(ws, vs[i])
		}
	}
	if n, err = fanOut(r, ws...); err != nil {
		return nil, digest.Digest{}, n, err
	}
	ok = make([]bool, len(vs))
	for i, v := range vs {
		ok[i] = v.Verify()
	}
	return ok, digest.FromHash(sha), n, nil
}
