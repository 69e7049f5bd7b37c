package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Error is an error of a GraphQL answer: its message, its code and, for the programme feed's
// errors, the cursor to resume from.
type Error struct {
	Message    string `json:"message"`
	Extensions struct {
		Code   string `json:"code"`
		Cursor string `json:"cursor"`
	} `json:"extensions"`
}

func (e Error) Error() string { return e.Extensions.Code + ": " + e.Message }

// Do sends query with variables to the GraphQL endpoint at url over HTTP, with the API key key
// when it is not empty, and decodes the data of the answer into data when it is not nil. An
// answer with errors is its first error. The load tools and the deployment's test speak to
// Maarid through it, as a client would.
func Do(ctx context.Context, c *http.Client, url, key, query string, variables map[string]any, data any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []Error         `json:"errors"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("HTTP %d, not a GraphQL answer: %.200s", resp.StatusCode, raw)
	}
	if len(answer.Errors) > 0 {
		return answer.Errors[0]
	}
	if data == nil {
		return nil
	}
	return json.Unmarshal(answer.Data, data)
}
