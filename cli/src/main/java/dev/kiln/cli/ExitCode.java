package dev.kiln.cli;

/** The documented exit codes of every command (README, "Command line"). */
public final class ExitCode {
    public static final int OK = 0;
    /** The server refused the request (a 4xx other than 401), or a deployment failed. */
    public static final int API_ERROR = 1;
    /** Bad command line or local input: unknown option, missing file, unreadable JSON. */
    public static final int USAGE = 2;
    /** Not signed in, or the server answered 401 (expired session, revoked token, wrong password). */
    public static final int NOT_SIGNED_IN = 3;
    /** The server cannot be reached or answered 5xx. */
    public static final int UNAVAILABLE = 4;
    /** Waited too long: a request timed out, or a deployment did not come ONLINE in time. */
    public static final int TIMEOUT = 5;

    private ExitCode() {
    }

    /** The exit code of an HTTP error status. */
    public static int forStatus(int status) {
        if (status == 401) {
            return NOT_SIGNED_IN;
        }
        return status >= 500 ? UNAVAILABLE : API_ERROR;
    }
}
