using System.Runtime.InteropServices;

namespace SmtpFixture.Cli;

/// <summary>The entry point: turns Ctrl-C and SIGTERM into a graceful stop.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        RuntimeSettings.Apply();
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            // Keep the process alive: the server says 421 to connected clients, frees the port, and exits 0.
            context.Cancel = true;
            stop.Cancel();
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        return await CliApp.RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
    }
}
