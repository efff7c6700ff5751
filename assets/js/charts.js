// Turns each static chart into an interactive one. Runs under a CSP without 'unsafe-eval':
// `ast: true` makes Vega use the expression interpreter bundled in vega-embed instead of
// compiling expressions with Function; no <style> is injected (site.css styles the embed).
// The page decides a chart's width (`width: "container"`); a chart with `usermeta.aspect` keeps
// its height in proportion, within `usermeta.height_range`, as the column widens or narrows.
(function () {
  'use strict';
  var options = {
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
    // Readers may save the picture; the editor and compiled-spec views are for authors.
    actions: { export: true, source: false, compiled: false, editor: false },
    forceActionsMenu: true,
    renderer: 'canvas',
    // The build compiles every spec and shows its warnings to the author; the reader's console
    // gets errors only (Vega-Lite also notes, harmlessly, that a stepped height cannot fit).
    logLevel: 1,
  };
  function heightFor(spec, width) {
    var meta = spec.usermeta || {};
    var range = meta.height_range || [180, 520];
    return Math.round(Math.min(range[1], Math.max(range[0], width * meta.aspect)));
  }
  function embed(container) {
    var url = container.getAttribute('data-spec');
    var label = container.querySelector('[aria-label]');
    return fetch(url)
      .then(function (response) {
        if (!response.ok) throw new Error('chart spec ' + url + ': HTTP ' + response.status);
        return response.json();
      })
      .then(function (spec) {
        var target = document.createElement('div');
        target.className = 'vega-interactive';
        // The static picture's accessible label travels to the live chart.
        target.setAttribute('role', 'img');
        if (label) target.setAttribute('aria-label', label.getAttribute('aria-label'));
        container.appendChild(target);
        var aspect = spec.usermeta && spec.usermeta.aspect;
        if (aspect) spec.height = heightFor(spec, container.clientWidth);
        // On a phone a legend lists its entries one per line: two long labels side by side
        // would be cut at the column's edge.
        if (container.clientWidth < 480 && spec.config && spec.config.legend) spec.config.legend.columns = 1;
        return window.vegaEmbed(target, spec, options).then(function (result) {
          if (aspect && typeof ResizeObserver === 'function') {
            var last = container.clientWidth;
            new ResizeObserver(function () {
              if (Math.abs(container.clientWidth - last) < 2) return;
              last = container.clientWidth;
              result.view.height(heightFor(spec, last)).runAsync();
            }).observe(container);
          }
        });
      })
      .then(function () {
        container.classList.add('is-interactive');
      })
      .catch(function (error) {
        // The static rendering stays in place; say why the interactive one is missing.
        container.classList.add('is-static-only');
        console.error('chart could not be made interactive:', error);
      });
  }
  function start() {
    if (typeof window.vegaEmbed !== 'function') return;
    Array.prototype.forEach.call(document.querySelectorAll('.vega-chart[data-spec]'), embed);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
