/* The namesakes on a map: an enhancement over the list, which the page always shows. Tiles come
   from PARTNERSHIPS_MAP_TILE_URL; without it the markers stand on a plain background. */
(function () {
  "use strict";
  var element = document.getElementById("namesake-map");
  if (!element || typeof L === "undefined") return;
  var source = document.getElementById(element.getAttribute("data-points-id"));
  var points = source ? JSON.parse(source.textContent) : [];
  if (!points.length) return;
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false });
  var tiles = element.getAttribute("data-tile-url");
  if (tiles) {
    L.tileLayer(tiles, {
      maxZoom: 18,
      attribution: "© участники OpenStreetMap, ODbL 1.0",
    }).addTo(map);
  } else {
    map.attributionControl.addAttribution("© участники OpenStreetMap, ODbL 1.0");
  }
  var bounds = [];
  points.forEach(function (point) {
    var marker = L.circleMarker([point.lat, point.lon], {
      radius: point.inHub ? 8 : 5,
      weight: 1,
      color: point.inHub ? "#7a1f1f" : "#1f4e7a",
      fillOpacity: 0.8,
    }).addTo(map);
    var box = document.createElement("div");
    var title = document.createElement(point.url ? "a" : "strong");
    if (point.url) title.href = point.url;
    title.textContent = point.name;
    box.appendChild(title);
    if (point.place) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(point.place));
    }
    marker.bindPopup(box);
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length === 1) {
    map.setView(bounds[0], 9);
  } else {
    map.fitBounds(bounds, { padding: [20, 20] });
  }
})();
