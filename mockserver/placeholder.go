package mockserver

import (
	"encoding/base64"
	"mime"
	"strings"
)

// placeholder is the body the mock answers a binary variant with (an
// image the page documents but cannot show): a smallest valid file of the
// media type, so an <img> loads and a client's decoder accepts it.
func placeholder(mediaType string) []byte {
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
	}
	if strings.HasPrefix(mt, "text/") {
		return []byte("placeholder\n")
	}
	return []byte{}
}

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
