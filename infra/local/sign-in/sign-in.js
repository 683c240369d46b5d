// The local sign-in: a token from the dev issuer, kept in this tab's
// sessionStorage under sro.localToken, where the app reads it.
const form = document.getElementById("sign-in");
const message = document.getElementById("message");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  message.textContent = "";
  const data = new FormData(form);
  try {
    const response = await fetch("/local/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        role: data.get("role"),
        sub: data.get("sub"),
        schools: String(data.get("schools") ?? ""),
      }),
    });
    const body = await response.json();
    if (!response.ok || typeof body.token !== "string") {
      message.textContent = body?.error?.message ?? "Sign-in failed.";
      return;
    }
    sessionStorage.setItem("sro.localToken", body.token);
    location.assign("/");
  } catch {
    message.textContent = "The local stack did not answer.";
  }
});
