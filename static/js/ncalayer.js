// Signs the identity page's one-time challenge with NCALayer, the signing application on the person's own
// computer, over its local WebSocket (module kz.gov.pki.knca.basics, method sign: CMS with the certificate),
// then posts the signature to the portal. Messages come translated from the form's data attributes.
(function () {
  "use strict";
  var form = document.getElementById("signature-form");
  if (!form) {
    return;
  }
  var button = form.querySelector("[data-sign]");
  var status = document.getElementById("signature-status");
  button.hidden = false;

  function say(text) {
    status.textContent = text;
  }

  function request() {
    return JSON.stringify({
      module: "kz.gov.pki.knca.basics",
      method: "sign",
      args: {
        allowedStorages: ["AKKaztokenStore", "AKKZIDCardStore", "AKEToken72KStore", "AKJaCartaStore", "PKCS12"],
        format: "cms",
        data: form.dataset.challenge,
        signingParams: { decode: true, encapsulate: true, digested: false, tsaProfile: null },
        signerParams: { extKeyUsageOids: ["1.3.6.1.5.5.7.3.2"], chain: [] },
        locale: document.documentElement.lang || "kk",
      },
    });
  }

  button.addEventListener("click", function () {
    var socket;
    var answered = false;
    button.disabled = true;
    say(form.dataset.msgWaiting);
    try {
      socket = new WebSocket(form.dataset.ncalayerUrl);
    } catch (error) {
      say(form.dataset.msgUnreachable);
      button.disabled = false;
      return;
    }
    socket.addEventListener("open", function () {
      socket.send(request());
    });
    socket.addEventListener("message", function (event) {
      var answer;
      try {
        answer = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (!Object.prototype.hasOwnProperty.call(answer, "status")) {
        return; // NCALayer greets a new connection with its version
      }
      answered = true;
      socket.close();
      var result = answer.body && answer.body.result;
      var cms = Array.isArray(result) ? result[0] : result;
      if (answer.status === true && typeof cms === "string" && cms) {
        form.elements.signature.value = cms;
        form.submit();
      } else {
        say(form.dataset.msgCancelled);
        button.disabled = false;
      }
    });
    socket.addEventListener("close", function () {
      if (!answered) {
        say(form.dataset.msgUnreachable);
        button.disabled = false;
      }
    });
  });
})();
