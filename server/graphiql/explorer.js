// The API explorer: GraphiQL on this server's /graphql, subscriptions over its websocket. An
// API key goes in the Headers tab: {"Authorization": "Bearer mrd_…"}.
(function () {
  'use strict';
  const url = location.origin + '/graphql';
  const subscriptionUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
  const fetcher = GraphiQL.createFetcher({ url, subscriptionUrl });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, isHeadersEditorEnabled: true }),
  );
})();
