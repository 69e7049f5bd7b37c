// Command request prints the JSON body of a GraphQL request for one of the clients'
// operations (package contract), for load tools such as wrk.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"os"

	"maarid/schema/contract"
)

func main() {
	op := flag.String("op", "ProductCatalogue", "name of the operation in the contract")
	vars := flag.String("vars", `{}`, "variables, as a JSON object")
	flag.Parse()
	query, err := contract.Operation(*op)
	if err != nil {
		log.Fatal(err)
	}
	var variables map[string]any
	if err := json.Unmarshal([]byte(*vars), &variables); err != nil {
		log.Fatalf("-vars: %v", err)
	}
	err = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"operationName": *op,
		"query":         query,
		"variables":     variables,
	})
	if err != nil {
		log.Fatal(err)
	}
}
