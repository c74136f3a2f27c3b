namespace SmtpFixture.Cli;

/// <summary>
/// Process-wide runtime settings the tool may choose for itself (a library cannot impose them on a test process).
/// The others are in the project file as runtimeconfig options (System.Threading.ThreadPool.UnfairSemaphoreSpinLimit);
/// this one is only read from the environment, so it is set here, before the first socket.
/// </summary>
internal static class RuntimeSettings
{
    internal const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Socket completions run on the socket engine's epoll thread instead of being queued to the thread pool: an SMTP
    /// round trip then costs no thread-pool hand-off and wake-up (issue 16: about 40 % less system time per message).
    /// System.Net.Sockets reads the variable once, when its engine starts with the first socket operation, so setting it
    /// at the top of Main is early enough; a value the user set is kept. Safe here because nothing on the session's path
    /// blocks (events are written by their own task; policies wait asynchronously).
    /// </summary>
    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
