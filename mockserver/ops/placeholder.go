package ops

import (
	"encoding/base64"
	"mime"
)

// Placeholder is the body the mock answers a binary variant with (an
// image the page documents but cannot show): a smallest valid file of the
// media type, so an <img> loads and a client's decoder accepts it.
func Placeholder(mediaType string) []byte {
	mt, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		mt = mediaType
	}
	switch mt {
	case "image/svg+xml":
		return []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`)
	case "image/png":
		return tinyPNG
	case "image/gif":
		return tinyGIF
	case "image/jpeg":
		return tinyJPEG
	case "application/pdf":
		return []byte(tinyPDF)
	}
	// Any other type: a few bytes, so a client sees a body arrive.
	return []byte("placeholder\n")
}

// tinyPDF is a one-page blank PDF.
const tinyPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 1 1]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// Smallest valid images, decoded once at start-up.
var (
	tinyPNG  = mustBase64("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
	tinyGIF  = mustBase64("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
	tinyJPEG = mustBase64("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==")
)

func mustBase64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err) // constant input: a typo here is a build defect
	}
	return b
}
