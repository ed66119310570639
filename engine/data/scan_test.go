package data

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestScanFindsImagesRecursivelyInByteOrder(t *testing.T) {
	dir := t.TempDir()
	for _, rel := range []string{"b.png", "a/z.JPG", "a-b/c.jpeg", "a/deep/er/x.PNG", "c.Jpeg",
		"a/.hidden.png", ".git/x.png", ".cache/deep/y.jpg"} {
		write(t, dir, rel, noise(2, 2))
	}
	if err := os.WriteFile(filepath.Join(dir, "a", "notes.txt"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.png"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := scan(t, dir, ScanOptions{})
	// "a-b/..." before "a/...": '-' is below '/' even though WalkDir visits
	// the folder a first.
	want := []string{"a-b/c.jpeg", "a/deep/er/x.PNG", "a/z.JPG", "b.png", "c.Jpeg"}
	if got := rels(s); !slices.Equal(got, want) {
		t.Fatalf("items %q, want %q", got, want)
	}
	for _, it := range s.Items {
		if it.Path != filepath.Join(dir, filepath.FromSlash(it.Rel)) || it.Class != -1 || it.LabelPath != "" {
			t.Errorf("item %+v", it)
		}
	}
	if s.ClassNames != nil || s.NumClasses() != 0 || s.LabelsOnly {
		t.Errorf("a plain set has classes %q, %d, labels-only %v", s.ClassNames, s.NumClasses(), s.LabelsOnly)
	}
}

func TestScanRefusesAFolderWithoutImages(t *testing.T) {
	empty := t.TempDir()
	_, err := Scan(empty, ScanOptions{})
	wantErr(t, err, "data: "+empty+" holds no PNG or JPEG images")

	other := t.TempDir()
	write(t, other, ".hidden.png", noise(2, 2))
	write(t, other, "photo.jpg", noise(2, 2))
	if err := os.WriteFile(filepath.Join(other, "readme.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Scan(other, ScanOptions{LabelsOnly: true}) // a JPEG is no label map
	wantErr(t, err, "data: "+other+" holds no PNG label maps")

	file := filepath.Join(other, "readme.md")
	_, err = Scan(file, ScanOptions{})
	wantErr(t, err, "data: "+file+" is not a folder")
}

func TestScanIntegerClasses(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "3/a.png", noise(2, 2))
	write(t, dir, "10/b/c.png", noise(2, 2))
	write(t, dir, "0/x.jpg", noise(2, 2))
	write(t, dir, "007/y.png", noise(2, 2))
	if err := os.MkdirAll(filepath.Join(dir, "no-images", "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dir, ".trash/z.png", noise(2, 2))
	s := scan(t, dir, ScanOptions{Classes: true})
	got := map[string]int{}
	for _, it := range s.Items {
		got[it.Rel] = it.Class
	}
	want := map[string]int{"3/a.png": 3, "10/b/c.png": 10, "0/x.jpg": 0, "007/y.png": 7}
	if len(got) != len(want) {
		t.Fatalf("classes %v, want %v", got, want)
	}
	for rel, c := range want {
		if got[rel] != c {
			t.Errorf("%s: class %d, want %d", rel, got[rel], c)
		}
	}
	if s.ClassNames != nil || s.NumClasses() != 11 {
		t.Errorf("names %q, %d classes; want none and 11", s.ClassNames, s.NumClasses())
	}
}

func TestScanNamedClasses(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "dog/a.png", noise(2, 2))
	write(t, dir, "cat/b.png", noise(2, 2))
	write(t, dir, "cat/c/d.png", noise(2, 2))
	write(t, dir, "7/e.png", noise(2, 2))
	s := scan(t, dir, ScanOptions{Classes: true})
	if want := []string{"7", "cat", "dog"}; !slices.Equal(s.ClassNames, want) {
		t.Fatalf("class names %q, want %q", s.ClassNames, want)
	}
	want := map[string]int{"7/e.png": 0, "cat/b.png": 1, "cat/c/d.png": 1, "dog/a.png": 2}
	for _, it := range s.Items {
		if it.Class != want[it.Rel] {
			t.Errorf("%s: class %d, want %d", it.Rel, it.Class, want[it.Rel])
		}
	}
	if s.NumClasses() != 3 {
		t.Errorf("%d classes, want 3", s.NumClasses())
	}
}

func TestScanClassErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "1/a.png", noise(2, 2))
	write(t, dir, "stray.png", noise(2, 2))
	write(t, dir, "loose.jpg", noise(2, 2))
	_, err := Scan(dir, ScanOptions{Classes: true})
	loose := filepath.Join(dir, "loose.jpg")
	wantErr(t, err, "data: "+loose+" lies directly in "+dir+"; with classes every image must be inside a class folder "+dir+"/<class>/")

	twice := t.TempDir()
	write(t, twice, "7/a.png", noise(2, 2))
	write(t, twice, "07/b.png", noise(2, 2))
	_, err = Scan(twice, ScanOptions{Classes: true})
	wantErr(t, err, "data: class folders 07 and 7 in "+twice+" both name class 7")

	_, err = Scan(dir, ScanOptions{LabelsOnly: true, Classes: true})
	wantErr(t, err, "data: a labels-only scan of "+dir+" takes no classes and no separate label folder")
}

func TestScanPairsLabelMaps(t *testing.T) {
	imgs, labs := t.TempDir(), t.TempDir()
	write(t, imgs, "a/x.jpg", noise(5, 3))
	write(t, imgs, "y.png", noise(4, 4))
	write(t, imgs, "z.JPEG", noise(2, 6))
	ones := func(x, y int) int { return 1 }
	write(t, labs, "a/x.png", labelMap(5, 3, ones))
	write(t, labs, "y.png", labelMap(4, 4, ones))
	write(t, labs, "z.JPEG", labelMap(2, 6, ones)) // the same file name, PNG inside
	write(t, labs, "unused.png", labelMap(1, 1, ones))
	s := scan(t, imgs, ScanOptions{LabelDir: labs})
	want := map[string]string{"a/x.jpg": "a/x.png", "y.png": "y.png", "z.JPEG": "z.JPEG"}
	if len(s.Items) != 3 {
		t.Fatalf("items %q", rels(s))
	}
	for _, it := range s.Items {
		if it.LabelPath != filepath.Join(labs, filepath.FromSlash(want[it.Rel])) {
			t.Errorf("%s paired with %s", it.Rel, it.LabelPath)
		}
	}
	ex := load(t, s, 0, Crop{Size: 3}, 0, 0, 0)
	if len(ex.Image) != 27 || len(ex.Labels) != 9 || ex.Labels[0] != 1 {
		t.Errorf("a/x.jpg loaded %d image values, labels %v", len(ex.Image), ex.Labels)
	}
}

func TestScanLabelErrors(t *testing.T) {
	imgs, labs := t.TempDir(), t.TempDir()
	write(t, imgs, "p/q.jpg", noise(4, 4))
	_, err := Scan(imgs, ScanOptions{LabelDir: labs})
	wantErr(t, err, "data: no label map for "+filepath.Join(imgs, "p", "q.jpg")+": looked for "+
		filepath.Join(labs, "p", "q.png")+" and "+filepath.Join(labs, "p", "q.jpg"))

	write(t, labs, "p/q.png", labelMap(4, 3, func(x, y int) int { return 0 }))
	_, err = Scan(imgs, ScanOptions{LabelDir: labs})
	wantErr(t, err, "data: label map "+filepath.Join(labs, "p", "q.png")+" is 4x3 but its image "+
		filepath.Join(imgs, "p", "q.jpg")+" is 4x4")

	pngs := t.TempDir()
	write(t, pngs, "r.png", noise(2, 2))
	_, err = Scan(pngs, ScanOptions{LabelDir: labs})
	wantErr(t, err, "data: no label map for "+filepath.Join(pngs, "r.png")+": looked for "+filepath.Join(labs, "r.png"))
}
