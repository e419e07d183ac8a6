package keys

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

// Sizes around the 1 MiB read buffer and beyond the buffers kept in flight.
var messageSizes = []int{0, 1, 63, 64, 1000, bufferSize - 1, bufferSize, bufferSize + 1, buffersInFlight*bufferSize + 7}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestSignMatchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i, size := range messageSizes {
		t.Run("size "+strconv.Itoa(size), func(t *testing.T) {
			priv := ed25519.NewKeyFromSeed(randomBytes(rng, 32))
			msg := randomBytes(rng, size)
			sig, sum, err := SignAndHash(priv, bytes.NewReader(msg), int64(len(msg)))
			if err != nil {
				t.Fatal(err)
			}
			if want := ed25519.Sign(priv, msg); !bytes.Equal(sig, want) {
				t.Fatalf("case %d (size %d): signature differs from crypto/ed25519", i, size)
			}
			if want := sha256Of(msg); sum != want {
				t.Fatalf("case %d: SHA-256 differs", i)
			}
		})
	}
}

// TestVerifyAgreesWithStdlib checks Verify against crypto/ed25519.Verify on valid, tampered and
// random signatures, and on the edge cases where implementations commonly disagree.
func TestVerifyAgreesWithStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(pub ed25519.PublicKey, msg, sig []byte) bool {
		t.Helper()
		want := ed25519.Verify(pub, msg, sig)
		got, err := Verify(pub, bytes.NewReader(msg), sig)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("Verify(%x, %d-byte msg, %x) = %v, crypto/ed25519 says %v", pub, len(msg), sig, got, want)
		}
		ok, sum, n, err := VerifyAndHash(pub, bytes.NewReader(msg), sig)
		if err != nil || ok != want || sum != sha256Of(msg) || n != int64(len(msg)) {
			t.Fatalf("VerifyAndHash disagrees: %v %v", ok, err)
		}
		return want
	}

	for _, size := range messageSizes {
		t.Run("size "+strconv.Itoa(size), func(t *testing.T) {
			priv := ed25519.NewKeyFromSeed(randomBytes(rng, 32))
			pub := priv.Public().(ed25519.PublicKey)
			msg := randomBytes(rng, size)
			sig := ed25519.Sign(priv, msg)
			if !check(pub, msg, sig) {
				t.Fatal("valid signature rejected")
			}
			for range 8 { // one flipped bit anywhere in the signature
				bad := bytes.Clone(sig)
				bad[rng.IntN(64)] ^= 1 << rng.IntN(8)
				check(pub, msg, bad)
			}
			if size > 0 {
				bad := bytes.Clone(msg)
				bad[rng.IntN(size)] ^= 1
				check(pub, bad, sig)
			}
			check(pub, msg, sig[:63])
			check(pub, msg, append(bytes.Clone(sig), 0))
			check(pub, msg, nil)
			check(pub, msg, sig[:63])
			check(ed25519.PublicKey(randomBytes(rng, 32)), msg, sig)
			check(ed25519.PublicKey(randomBytes(rng, 32)), msg, randomBytes(rng, 64))

			// S + L is the same scalar, non-canonically encoded: must be rejected.
			s := new(big.Int).SetBytes(reverse(sig[32:]))
			s.Add(s, groupOrder)
			high := bytes.Clone(sig)
			copy(high[32:], reverse(s.FillBytes(make([]byte, 32))))
			if check(pub, msg, high) {
				t.Fatal("S + L accepted")
			}
		})
	}

	// Small-order and non-canonical public keys and R values; with S = 0 and R, A of small order
	// the equation holds for some messages.
	msg := []byte("plugin artifact bytes")
	for _, a := range edgePoints {
		for _, r := range edgePoints {
			for _, s := range [][]byte{make([]byte, 32), scalarBytes(1), scalarBytes(7)} {
				check(ed25519.PublicKey(mustHex(t, a)), msg, append(mustHex(t, r), s...))
			}
		}
	}
}

// TestVerifyQuick fuzzes Verify against crypto/ed25519 with random inputs of the right shape.
func TestVerifyQuick(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		pub := randomBytes(rng, 32)
		if rng.IntN(2) == 0 {
			pub = mustHex(t, edgePoints[rng.IntN(len(edgePoints))])
		}
		sig := randomBytes(rng, 64)
		sig[63] &= 0x1f
		msg := randomBytes(rng, rng.IntN(100))
		want := ed25519.Verify(pub, msg, sig)
		got, _ := Verify(pub, bytes.NewReader(msg), sig)
		if got != want {
			t.Fatalf("Verify(%x, %x, %x) = %v, want %v", pub, msg, sig, got, want)
		}
	}
}

// edgePoints are the encodings of the eight small-order points and non-canonical encodings
// ("It's 255:19AM", Henry de Valence), plus y values that are not on the curve.
var edgePoints = []string{
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"0100000000000000000000000000000000000000000000000000000000000080",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"0200000000000000000000000000000000000000000000000000000000000000",
	"197f6b23e16c8532c6abc838facd5ea789be0c76b2920334039bfa8b3d368d61",
}

var groupOrder, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

func reverse(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[len(b)-1-i] = c
	}
	return out
}

func scalarBytes(v byte) []byte { b := make([]byte, 32); b[0] = v; return b }

// changingReader serves different content on the second pass, as a file rewritten mid-signing.
type changingReader struct {
	reads int64
	a, b  []byte
}

func (c *changingReader) ReadAt(p []byte, off int64) (int, error) {
	src := c.a
	c.reads += int64(len(p))
	if c.reads > int64(len(c.a)) {
		src = c.b
	}
	if off >= int64(len(src)) {
		return 0, io.EOF
	}
	n := copy(p, src[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func TestSignDetectsChangedInput(t *testing.T) {
	r := &changingReader{a: []byte("first content"), b: []byte("other content")}
	if _, err := Sign(seed42(), r, 13); !errors.Is(err, ErrChanged) {
		t.Fatalf("err = %v, want ErrChanged", err)
	}
	// A file that shrank is reported too.
	if _, err := Sign(seed42(), strings.NewReader("short"), 10); !errors.Is(err, ErrChanged) {
		t.Fatalf("err = %v, want ErrChanged", err)
	}
}

func TestSignRejectsInconsistentKey(t *testing.T) {
	priv := bytes.Clone(seed42())
	priv[40] ^= 1
	if _, err := Sign(priv, strings.NewReader("x"), 1); err == nil {
		t.Fatal("signed with a key whose halves disagree")
	}
	if _, err := Sign(priv[:32], strings.NewReader("x"), 1); err == nil {
		t.Fatal("signed with a 32-byte key")
	}
	if _, err := NewVerifier(make([]byte, 31), make([]byte, 64)); err == nil {
		t.Fatal("accepted a 31-byte public key")
	}
}

func TestReadErrorsPropagate(t *testing.T) {
	boom := errors.New("boom")
	_, _, _, err := VerifyAndHash(seed42().Public().(ed25519.PublicKey), io.MultiReader(strings.NewReader("abc"), errReader{boom}), make([]byte, 64))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	_, _, _, err = VerifyAndHash(nil, errReader{boom}, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// A reader holding more than the size it reports (procfs files report 0) must not be signed over a
// prefix: both signing and the end check refuse it.
func TestSignRefusesContentPastSize(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, 32))
	r := bytes.NewReader([]byte("plugin artifact bytes"))
	if _, err := Sign(priv, r, 6); !errors.Is(err, ErrChanged) {
		t.Fatalf("Sign over a prefix: %v, want ErrChanged", err)
	}
	if err := CheckEnd(r, r.Size()); err != nil {
		t.Fatalf("CheckEnd at the real end: %v", err)
	}
	if sig, err := Sign(priv, r, r.Size()); err != nil || !ed25519.Verify(priv.Public().(ed25519.PublicKey), []byte("plugin artifact bytes"), sig) {
		t.Fatalf("Sign over the whole input: %v", err)
	}
}

// VerifyEachAndHash answers for every key in one pass what crypto/ed25519 answers key by key.
func TestVerifyEachAndHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var pubs []ed25519.PublicKey
	var privs []ed25519.PrivateKey
	for range 3 {
		pub, priv, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		pubs, privs = append(pubs, pub), append(privs, priv)
	}
	for _, size := range messageSizes {
		msg := randomBytes(rng, size)
		for signer := range privs {
			sig := ed25519.Sign(privs[signer], msg)
			ok, sum, n, err := VerifyEachAndHash(pubs, bytes.NewReader(msg), sig)
			if err != nil || n != int64(size) || sum != digest.Of(msg) {
				t.Fatalf("size %d: n %d, sum %v, err %v", size, n, sum, err)
			}
			for i := range pubs {
				if want := ed25519.Verify(pubs[i], msg, sig); ok[i] != want {
					t.Errorf("size %d, signed by key %d: ok[%d] = %v, want %v", size, signer, i, ok[i], want)
				}
			}
		}
	}
	if ok, _, _, err := VerifyEachAndHash(pubs, strings.NewReader("m"), []byte("short")); err != nil || len(ok) != 3 || ok[0] || ok[1] || ok[2] {
		t.Errorf("a short signature: ok %v, err %v", ok, err)
	}
}
