/** The race page's markup: the ids the page (and the browser tests) address. Static: no data goes in here. */
export const RUNNER_MARKUP = `
  <div id="game" class="runner" hidden>
    <p id="phase" class="turn" role="status" aria-live="polite"></p>
    <div class="stage">
      <canvas id="track" role="img" aria-label="The race: one lane per runner. The standings below say the same in words."></canvas>
    </div>
    <p id="next-obstacle" class="hint"></p>
    <div id="controls" class="controls" hidden>
      <button id="jump" type="button" class="control" aria-keyshortcuts="Space ArrowUp"><span aria-hidden="true">▲</span> Jump</button>
      <button id="duck" type="button" class="control" aria-pressed="false" aria-keyshortcuts="ArrowDown"><span aria-hidden="true">▼</span> Duck (hold)</button>
    </div>
    <p id="message" class="message" role="status" aria-live="polite"></p>
    <div id="share-host" hidden></div>
    <section id="results" class="card results" hidden aria-labelledby="results-title">
      <h2 id="results-title">Results</h2>
      <p id="results-summary"></p>
      <ol id="results-list" class="results-list"></ol>
      <button id="rematch" type="button" class="primary">Race again</button>
    </section>
    <section class="card" aria-labelledby="standings-title">
      <h2 id="standings-title">Standings</h2>
      <ol id="standings" class="standings"></ol>
    </section>
    <section id="fairness" class="fairness card" aria-label="Fairness check"><h3>Fairness check</h3></section>
    <p class="hint keys">Keys: Space or ↑ jumps, hold ↓ to duck. On a touch screen use the buttons under the track.</p>
    <p><a class="button" href="/">Lobby</a></p>
  </div>`;
