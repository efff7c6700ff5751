// Turns each static chart into an interactive one. Runs under a CSP without 'unsafe-eval':
// `ast: true` makes Vega use the expression interpreter bundled in vega-embed instead of
// compiling expressions with Function; no <style> is injected (site.css styles the embed).
(function () {
  'use strict';
  var options = {
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
    forceActionsMenu: true,
    renderer: 'canvas',
  };
  function embed(container) {
    var url = container.getAttribute('data-spec');
    return fetch(url)
      .then(function (response) {
        if (!response.ok) throw new Error('chart spec ' + url + ': HTTP ' + response.status);
        return response.json();
      })
      .then(function (spec) {
        var target = document.createElement('div');
        target.className = 'vega-interactive';
        container.appendChild(target);
        return window.vegaEmbed(target, spec, options);
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
