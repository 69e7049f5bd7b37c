package webhooks

// NewDelivererResolving is NewDeliverer with the host names of webhooks resolved by lookup.
var NewDelivererResolving = newDeliverer
