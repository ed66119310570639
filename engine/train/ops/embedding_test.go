package ops

import (
	"math/rand"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"tessera/engine/nn"
)

func TestEmbeddingGradients(t *testing.T) {
	r := rand.New(rand.NewSource(18))
	// Repeated tokens: their gradients must add up in the table's row.
	tokens := []int{3, 0, 3, 5, 1, 3}
	gradCheck(t, &EmbeddingKernel{Tokens: &tokens, Batch: 2, Seq: 3}, 1e-3, randn(r, 6, 40))
	gradCheck(t, AddPositionsKernel{}, 1e-3, randn(r, 2, 3, 4), randn(r, 1, 5, 4))
}

func TestEmbeddingForward(t *testing.T) {
	r := rand.New(rand.NewSource(19))
	table := randn(r, 4, 3)
	tokens := []int{2, 0, 2, 3}
	k := &EmbeddingKernel{Tokens: &tokens, Batch: 2, Seq: 2}
	out, err := k.Forward([]*tensor.Dense{table})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Shape().Eq(tensor.Shape{2, 2, 3}) {
		t.Fatalf("shape %v, want (2, 2, 3)", out.Shape())
	}
	for i, tok := range tokens {
		for c := 0; c < 3; c++ {
			if got, want := nn.Data(out)[i*3+c], nn.Data(table)[tok*3+c]; got != want {
				t.Fatalf("row %d column %d = %v, want table[%d] = %v", i, c, got, tok, want)
			}
		}
	}
	tokens[3] = 4
	if _, err := k.Forward([]*tensor.Dense{table}); err == nil || !strings.Contains(err.Error(), "token 4") {
		t.Fatalf("a token outside the table gave %v", err)
	}
	tokens = tokens[:3]
	if _, err := k.Forward([]*tensor.Dense{table}); err == nil {
		t.Fatal("three tokens for a batch of 2x2 were accepted")
	}
}

func TestAddPositionsForward(t *testing.T) {
	x := nn.FromSlice([]float32{1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2)
	pos := nn.FromSlice([]float32{10, 20, 30, 40, 50, 60}, 1, 3, 2)
	out, err := AddPositionsKernel{}.Forward([]*tensor.Dense{x, pos})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{11, 22, 33, 44, 15, 26, 37, 48}
	compare(t, "x+pos", nn.Data(out), want)
	if _, err := (AddPositionsKernel{}).Shape([]tensor.Shape{{2, 4, 2}, {1, 3, 2}}); err == nil {
		t.Fatal("4 positions were accepted for a block of 3")
	}
}
