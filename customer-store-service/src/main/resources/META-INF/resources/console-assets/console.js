// Times as the reader reads them: in the page's language and the browser's time zone, to the second (the server
// writes UTC to the second, which stays in the title).
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('time[datetime]').forEach(function (t) {
    var at = new Date(t.getAttribute('datetime'));
    if (!isNaN(at.getTime())) {
      t.title = t.getAttribute('datetime');
      t.textContent = at.toLocaleString(document.documentElement.lang || undefined,
          { dateStyle: 'medium', timeStyle: 'medium' });
    }
  });
});

// Draws the bookings chart from the canvas' data-chart attribute (JSON the server wrote, HTML-escaped as any
// attribute): bookings per channel as stacked bars, cancelled / completed / no-show as lines.
document.addEventListener('DOMContentLoaded', function () {
  var canvas = document.getElementById('bookings-chart');
  if (!canvas || typeof Chart === 'undefined') {
    return;
  }
  var data = JSON.parse(canvas.dataset.chart);
  var labels = { CHECKOUT: canvas.dataset.labelCheckout, INSTANT: canvas.dataset.labelInstant,
                 cancelled: canvas.dataset.labelCancelled, completed: canvas.dataset.labelCompleted,
                 noShow: canvas.dataset.labelNoShow };
  function bar(key, color) {
    return { type: 'bar', label: labels[key], data: data.series[key], backgroundColor: color, stack: 'bookings' };
  }
  // Each line its own stack: with the y axis stacked (so the channels' bars stack), lines sharing a stack would add up.
  function line(key, color) {
    return { type: 'line', label: labels[key], data: data.series[key], borderColor: color, backgroundColor: color,
             tension: 0, pointRadius: 2, stack: key };
  }
  new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [bar('CHECKOUT', '#0969da'), bar('INSTANT', '#8250df'), line('cancelled', '#cf222e'),
                 line('completed', '#1a7f37'), line('noShow', '#bf8700')]
    },
    options: {
      maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
});
