import { useApp } from "../app.tsx";

/** The screens every route may end on: 403, 503, not found, sign in. */

export const Forbidden = () => (
  <section aria-labelledby="status-title">
    <h1 id="status-title">Not allowed</h1>
    <p>Your role cannot open this screen (403). Pick one from the menu.</p>
  </section>
);

export const Unavailable = ({ what }: { what?: string }) => (
  <section aria-labelledby="status-title" role="alert">
    <h1 id="status-title">Service unavailable</h1>
    <p>{what ?? "The server could not answer (503). Nothing on this device was lost."}</p>
    <p>Try again in a moment.</p>
  </section>
);

export const NotFound = () => (
  <section aria-labelledby="status-title">
    <h1 id="status-title">Not found</h1>
    <p>
      There is no such screen. <a href="#/">Go to the start</a>.
    </p>
  </section>
);

export const SignInNeeded = () => {
  const { auth } = useApp();
  return (
    <section aria-labelledby="status-title">
      <h1 id="status-title">Sign in</h1>
      <p>Sign in to use this screen.</p>
      <button type="button" class="primary" onClick={() => void auth.signIn()}>
        Sign in
      </button>
    </section>
  );
};

/** A failed API call as the screens show it; a 503 gets the 503 screen. */
export const FailureMessage = ({ failure }: { failure: { status: number; message: string } }) =>
  failure.status === 503 || failure.status === 0 ? (
    <Unavailable
      what={
        failure.status === 0
          ? "No connection to the server. Nothing on this device was lost."
          : undefined
      }
    />
  ) : failure.status === 403 ? (
    <Forbidden />
  ) : (
    <p role="alert" class="error">
      {failure.message}
    </p>
  );
