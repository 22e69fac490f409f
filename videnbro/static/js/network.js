/* Draws the collaboration network from /api/v1/network/ with the vendored Cytoscape.js. */
(function () {
  "use strict";
  var container = document.getElementById("network");
  if (!container || typeof cytoscape === "undefined") { return; }
  var colours = { public: "#0b5cad", market: "#1d7a3a", civil_society: "#a15c00" };
  fetch(container.dataset.src, { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var maxDegree = Math.max.apply(null, [1].concat(data.nodes.map(function (n) { return n.degree; })));
      var elements = data.nodes.map(function (n) {
        return { data: { id: String(n.id), label: n.name, url: n.url, sector: n.sector,
                         size: 10 + 30 * (n.degree / maxDegree) } };
      }).concat(data.edges.map(function (e) {
        return { data: { id: e.source + "-" + e.target, source: String(e.source),
                         target: String(e.target), weight: e.weight } };
      }));
      var cy = cytoscape({
        container: container,
        elements: elements,
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: {
              "background-color": function (el) { return colours[el.data("sector")] || "#666"; },
              "width": "data(size)", "height": "data(size)", "label": "data(label)",
              "font-size": 8, "text-valign": "bottom", "color": "#1b2430" } },
          { selector: "edge", style: { "width": "mapData(weight, 1, 5, 1, 5)", "line-color": "#aab4c0" } },
          { selector: "node:selected", style: { "border-width": 3, "border-color": "#ffbf47" } }
        ],
        layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 6000 }
      });
      cy.on("tap", "node", function (event) { window.location.href = event.target.data("url"); });
      container.dataset.ready = "true";
      container.dataset.nodes = String(cy.nodes().length);
    })
    .catch(function () {
      container.textContent = container.getAttribute("aria-label");
    });
})();
