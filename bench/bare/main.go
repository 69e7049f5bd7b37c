// Command bare serves one fixed JSON body on every request with nothing but net/http: the
// ceiling that bench/http.sh measures Maarid's API against.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "address to listen on")
	bodyFile := flag.String("body", "", "file holding the JSON body to answer with")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/graphql-response+json")
		w.Write(body)
	})))
}
