package graph

import "maarid/ent"

// subtree returns the ID of the category root and those of the categories below it, of all.
func subtree(root string, all []*ent.Category) []string {
	children := map[string][]string{}
	for _, c := range all {
		if c.ParentID != nil {
			children[*c.ParentID] = append(children[*c.ParentID], c.ID)
		}
	}
	out, seen := []string{root}, map[string]bool{root: true}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
