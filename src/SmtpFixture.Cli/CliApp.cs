using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SmtpFixture.Cli.Http;

namespace SmtpFixture.Cli;

/// <summary>Parses the command line, runs the server until asked to stop, and maps outcomes to exit codes.</summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int CannotListen = 1;
    public const int BadOption = 2;

    /// <summary>Runs <c>smtp-fixture</c> with the given arguments until <paramref name="stop"/> is cancelled.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var cli = new CliOptions();
        cli.Root.SetAction((parseResult, _) => ServeAsync(parseResult, cli, output, error, stop));
        var parseResult = cli.Root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync("smtp-fixture: " + parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'smtp-fixture --help' to see the options.").ConfigureAwait(false);
            return BadOption;
        }

        // Termination signals are handled by Program (stop token), so that shutdown is graceful and the exit code 0.
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return await parseResult.InvokeAsync(invocation, CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task<int> ServeAsync(ParseResult parseResult, CliOptions cli, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var options = new SmtpTestServerOptions
        {
            Address = parseResult.GetValue(cli.Host) ?? IPAddress.Loopback,
            Port = parseResult.GetValue(cli.Port),

            // A long-running server must not grow without bound: messages are printed and saved, not kept for tests.
            MaxStoredMessages = 1000,
        };
        if (parseResult.GetValue(cli.ServerName) is { } serverName)
        {
            options.ServerName = serverName;
        }

        if (parseResult.GetValue(cli.MaxSize) is { } maxSize)
        {
            options.MaxMessageSize = maxSize;
        }

        options.Tls = parseResult.GetValue(cli.Tls);
        options.RequireTls = parseResult.GetValue(cli.RequireTls);
        options.RequireAuthentication = parseResult.GetValue(cli.RequireAuth);
        options.AllowInsecureAuthentication = parseResult.GetValue(cli.AllowInsecureAuth);
        foreach (var user in parseResult.GetValue(cli.Users) ?? [])
        {
            ValueParsers.TryParseUser(user, out var name, out var password);
            options.Users[name] = password;
        }

        if (parseResult.GetValue(cli.Certificate) is { } certificatePath)
        {
            try
            {
                options.Certificate = LoadCertificate(certificatePath, parseResult.GetValue(cli.CertificatePassword));
            }
            catch (CryptographicException ex)
            {
                await error.WriteLineAsync($"smtp-fixture: cannot load --cert '{certificatePath}': {ex.Message}").ConfigureAwait(false);
                return BadOption;
            }
        }

        foreach (var key in parseResult.GetValue(cli.DkimKeys) ?? [])
        {
            options.DkimKeys.Add(key);
        }

        // The policy options take the same slots the HTTP API switches, so PUT /api/v1/policies replaces them.
        var policies = new PolicySwitchboard(options.Policies);
        if (parseResult.GetValue(cli.KnownRecipients) is { Length: > 0 } known)
        {
            policies.KnownRecipients(known);
        }

        if (parseResult.GetValue(cli.Greylist) is { } delay)
        {
            policies.Greylisting(delay);
        }

        if (parseResult.GetValue(cli.RateLimit) is { } rate)
        {
            policies.RateLimit(rate.Limit, rate.Window);
        }

        cli.Checks.Apply(parseResult, options);
        using var loggerFactory = parseResult.GetValue(cli.Verbose) ? new StderrLoggerFactory(error, LogLevel.Debug) : null;
        options.LoggerFactory = loggerFactory;

        var saveDir = parseResult.GetValue(cli.SaveDir);
        if (saveDir is not null)
        {
            try
            {
                saveDir = Directory.CreateDirectory(saveDir).FullName;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"smtp-fixture: cannot create --save-dir '{saveDir}': {ex.Message}").ConfigureAwait(false);
                return BadOption;
            }
        }

        SmtpTestServer server;
        try
        {
            server = await SmtpTestServer.StartAsync(options, stop).ConfigureAwait(false);
        }
        catch (IOException ex) when (ex.InnerException is SocketException socket)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"smtp-fixture: cannot listen on {options.Address}:{options.Port}: {socket.Message}")).ConfigureAwait(false);
            return CannotListen;
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync("smtp-fixture: " + ex.Message).ConfigureAwait(false);
            return BadOption;
        }

        HttpApi? api = null;
        if (parseResult.GetValue(cli.HttpPort) is { } httpPort)
        {
            try
            {
                api = await HttpApi.StartAsync(server, policies, options.Address, httpPort, parseResult.GetValue(cli.HttpToken), stop).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await server.DisposeAsync().ConfigureAwait(false);
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"smtp-fixture: cannot listen for HTTP on {options.Address}:{httpPort}: {ex.Message}")).ConfigureAwait(false);
                return CannotListen;
            }
        }

        var events = new EventSink(output, error, parseResult.GetValue(cli.Json));
        await using (events.ConfigureAwait(false))
        {
            server.MessageReceived += (_, e) => events.Message(e.Message, Save(e.Message, saveDir, error));
            server.CommandRefused += (_, e) => events.Refused(e);
            server.ViolationRecorded += (_, e) => events.Violation(e.Violation);
            events.Listening(server, Describe(options), api?.Port);
            if (!IPAddress.IsLoopback(options.Address) && !options.RequireAuthentication)
            {
                // Secure by default: warn of a server reachable from other machines that takes mail from anyone.
                await error.WriteLineAsync(
                    $"smtp-fixture: warning: listening on {options.Address}, reachable from other machines, without --require-auth: " +
                    "anyone who can connect can send mail to it. Use --user NAME:PASSWORD --require-auth, or --host 127.0.0.1.").ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: shut down gracefully below.
            }

            if (api is not null)
            {
                // First the API, so that open event streams and long polls end before the server they watch.
                await api.DisposeAsync().ConfigureAwait(false);
            }

            await server.DisposeAsync().ConfigureAwait(false);
            try
            {
                server.ThrowIfFaulted();
            }
            catch (SmtpPolicyException ex)
            {
                await error.WriteLineAsync("smtp-fixture: " + ex.Message + " " + string.Join(" ", ex.InnerExceptions.Select(e => e.Message))).ConfigureAwait(false);
            }

            events.Stopped(server);
        }

        return Success;
    }

    /// <summary>How the server is secured, for the listening line: e.g. <c>STARTTLS, AUTH required (1 user)</c>.</summary>
    private static string Describe(SmtpTestServerOptions options)
    {
        var tls = options.Tls switch
        {
            SmtpTlsMode.StartTls => options.RequireTls ? "STARTTLS required" : "STARTTLS",
            SmtpTlsMode.Implicit => "implicit TLS",
            _ => "no TLS",
        };
        var users = options.Users.Count == 1 ? "1 user" : string.Create(CultureInfo.InvariantCulture, $"{options.Users.Count} users");
        var auth = options.Users.Count == 0 ? "no AUTH" : options.RequireAuthentication ? $"AUTH required ({users})" : $"AUTH ({users})";
        return tls + ", " + auth;
    }

    /// <summary>Loads a PKCS#12 file with its private key, which the TLS handshake needs.</summary>
    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CryptographicException("the file has no private key.");
        }

        return certificate;
    }

    /// <summary>
    /// Saves the message before the client hears 250, so that every accepted message is on disk. The file starts with
    /// the envelope as header fields (X-Envelope-From, one X-Envelope-To per recipient), as a delivering MTA prepends
    /// Return-Path and Delivered-To: the file stays one message that any mail reader opens, and a Bcc recipient, who is
    /// in no header of the message, is visible to whoever reads it. The message's own bytes follow unchanged.
    /// </summary>
    private static string? Save(ReceivedMessage message, string? saveDir, TextWriter error)
    {
        if (saveDir is null)
        {
            return null;
        }

        var path = Path.Combine(saveDir, string.Create(CultureInfo.InvariantCulture, $"{message.ReceivedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{message.Id}.eml"));
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            file.Write(EnvelopeHeaders(message.Envelope));
            file.Write(message.RawData.Span);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"smtp-fixture: could not save message {message.Id} to {path}: {ex.Message}");
            return null;
        }
    }

    /// <summary>The envelope as header lines; the addresses come from parsed SMTP commands, so they hold no CR or LF.</summary>
    private static byte[] EnvelopeHeaders(SmtpEnvelope envelope)
    {
        var headers = new System.Text.StringBuilder();
        headers.Append("X-Envelope-From: <").Append(envelope.MailFrom).Append(">\r\n");
        foreach (var recipient in envelope.Recipients)
        {
            headers.Append("X-Envelope-To: <").Append(recipient).Append(">\r\n");
        }

        return System.Text.Encoding.UTF8.GetBytes(headers.ToString());
    }
}
