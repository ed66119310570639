// Package imgio moves images between files and the engine: loading photos
// as RGB at a size the VQGAN accepts, converting to and from NCHW float32
// tensors, reading segmentation label maps, and writing PNGs whose text
// chunks carry Tessera's metadata.
//
// Metadata convention: an exported PNG holds a text chunk with the key
// "tessera" (MetaKey) whose value is one JSON object in the token grid file
// format of package tokens: {"width": W, "height": H, "codes": [...]} plus the
// generation parameters (model, seed, top_k, ...) as further top-level fields.
// GridFromPNG reads it back to the exact grid. A "Software" chunk says
// "Tessera". Other keys are free for callers; keys are PNG keywords (1-79
// printable Latin-1 characters).
package imgio
