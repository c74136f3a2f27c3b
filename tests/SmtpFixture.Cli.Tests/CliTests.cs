using System.Text.Json;
using MailKit.Net.Smtp;
using MimeKit;

namespace SmtpFixture.Cli.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task WithJsonTheFirstLineIsTheListeningEventWithTheEphemeralPort()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json");

        var first = await cli.ReadLineAsync(_ => true);

        var listening = JsonDocument.Parse(first).RootElement;
        Assert.Equal("listening", listening.GetProperty("event").GetString());
        Assert.Equal("127.0.0.1", listening.GetProperty("host").GetString());
        Assert.InRange(listening.GetProperty("port").GetInt32(), 1, 65535);
        Assert.False(listening.TryGetProperty("httpPort", out _), "without --http-port there is no HTTP side at all");
    }

    [Fact]
    public async Task WithoutJsonTheFirstLineSaysWhereItListens()
    {
        await using var cli = CliProcess.Start("--port", "0");

        var first = await cli.ReadLineAsync(_ => true);

        Assert.Matches(@"^smtp-fixture listening on 127\.0\.0\.1:\d+ ", first);
    }

    [Fact]
    public async Task AMessageSentWithMailKitIsPrintedAsAMessageEvent()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        await SendAsync(port, "alice@example.com", "Invoice 42");

        var message = await cli.ReadEventAsync("message");
        Assert.Equal("sender@example.com", message.GetProperty("from").GetString());
        Assert.Equal(["alice@example.com"], message.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Invoice 42", message.GetProperty("subject").GetString());
        Assert.True(message.GetProperty("size").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(message.GetProperty("id").GetString()));
        Assert.False(message.TryGetProperty("eml", out _));
    }

    [Fact]
    public async Task SaveDirWritesEachAcceptedMessageAsAnEmlFile()
    {
        var dir = Path.Combine(Path.GetTempPath(), "smtp-fixture-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var cli = CliProcess.Start("--port", "0", "--json", "--save-dir", dir);
            var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

            await SendAsync(port, "alice@example.com", "Saved to disk");

            var message = await cli.ReadEventAsync("message");
            var eml = message.GetProperty("eml").GetString()!;
            Assert.Equal(Path.GetFullPath(dir), Path.GetDirectoryName(eml));
            Assert.EndsWith(".eml", eml, StringComparison.Ordinal);
            var saved = await MimeMessage.LoadAsync(eml);
            Assert.Equal("Saved to disk", saved.Subject);
            var envelope = "X-Envelope-From: <sender@example.com>\r\nX-Envelope-To: <alice@example.com>\r\n"u8.ToArray();
            Assert.Equal(message.GetProperty("size").GetInt64() + envelope.Length, new FileInfo(eml).Length);
            Assert.Equal(envelope, (await File.ReadAllBytesAsync(eml))[..envelope.Length]);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task ASavedMessageShowsItsBccRecipientInTheEnvelopeHeaders()
    {
        var dir = Path.Combine(Path.GetTempPath(), "smtp-fixture-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var cli = CliProcess.Start("--port", "0", "--json", "--save-dir", dir);
            var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("sender@example.com"));
            message.To.Add(MailboxAddress.Parse("alice@example.com"));
            message.Bcc.Add(MailboxAddress.Parse("audit@example.com"));
            message.Subject = "With Bcc";
            message.Body = new TextPart("plain") { Text = "Hello" };
            using (var client = new SmtpClient())
            {
                await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
                await client.SendAsync(message);
                await client.DisconnectAsync(true);
            }

            var saved = await MimeMessage.LoadAsync((await cli.ReadEventAsync("message")).GetProperty("eml").GetString()!);

            Assert.Equal("<sender@example.com>", saved.Headers["X-Envelope-From"]);
            Assert.Equal(["<alice@example.com>", "<audit@example.com>"], saved.Headers.Where(h => h.Id == HeaderId.Unknown && h.Field == "X-Envelope-To").Select(h => h.Value.Trim()));
            Assert.Empty(saved.Bcc);
            Assert.Equal("With Bcc", saved.Subject);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task AKnownRecipientsEntryThatIsNoAddressIsABadOption()
    {
        await using var cli = CliProcess.Start("--port", "0", "--known-recipients", "alice@example.com,bob@");

        Assert.Equal(2, await cli.WaitForExitAsync());
        Assert.Contains("--known-recipients: 'alice@example.com,bob@' is not a comma-separated list of addresses and domains", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpSaysWhatTheRateLimitCountsAndWhereSavedFilesGo()
    {
        await using var cli = CliProcess.Start("--help");
        var help = await ReadToEndAsync(cli);

        var text = string.Join(" ", help.Select(l => l.Trim()));
        Assert.Contains("message attempts", text, StringComparison.Ordinal);
        Assert.Contains("<time>-<id>.eml", text, StringComparison.Ordinal);
        Assert.DoesNotContain("mail/<id>.eml", text, StringComparison.Ordinal);
        Assert.Contains("X-Envelope-To", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageOverMaxSizeIsRefusedWith552AndPrintedAsARefusedEvent()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--max-size", "1KiB");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(port, "alice@example.com", "Big", new string('x', 4096)));

        Assert.Equal(552, (int)error.StatusCode);
        var refused = await cli.ReadEventAsync("refused");
        Assert.Equal(552, refused.GetProperty("code").GetInt32());
        Assert.StartsWith("552 5.3.4", refused.GetProperty("reply").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnownRecipientsRefusesOthersWith550AndPrintsTheRefusedEvent()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--known-recipients", "alice@example.com,@example.org");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(port, "mallory@example.com", "Who?"));
        await SendAsync(port, "anyone@example.org", "Known domain");

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
        Assert.Equal(550, (int)error.StatusCode);
        var refused = await cli.ReadEventAsync("refused");
        Assert.Equal("RcptTo", refused.GetProperty("stage").GetString());
        Assert.Equal("mallory@example.com", refused.GetProperty("address").GetString());
        Assert.StartsWith("550 5.1.1", refused.GetProperty("reply").GetString(), StringComparison.Ordinal);
        Assert.Equal("KnownRecipients", refused.GetProperty("by").GetString());
        var message = await cli.ReadEventAsync("message");
        Assert.Equal(["anyone@example.org"], message.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task GreylistDefersTheFirstTryWith450()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--greylist", "1h");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(port, "alice@example.com", "Greylisted"));

        Assert.Equal(450, (int)error.StatusCode);
        var refused = await cli.ReadEventAsync("refused");
        Assert.StartsWith("450 4.7.1", refused.GetProperty("reply").GetString(), StringComparison.Ordinal);
        Assert.Equal("alice@example.com", refused.GetProperty("address").GetString());
    }

    [Fact]
    public async Task RateLimitAnswers421OverTheLimit()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--rate-limit", "1/1h");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        await SendAsync(port, "alice@example.com", "First");
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(port, "alice@example.com", "Second"));

        Assert.Equal(421, (int)error.StatusCode);
        var refused = await cli.ReadEventAsync("refused");
        Assert.StartsWith("421 4.7.0", refused.GetProperty("reply").GetString(), StringComparison.Ordinal);
        Assert.Equal("RateLimit", refused.GetProperty("by").GetString());
    }

    [Fact]
    public async Task StartTlsWithRequiredAuthAcceptsAnAuthenticatedClientThatPinsTheReportedCertificate()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--tls", "starttls", "--user", "app:s3cret", "--require-auth");
        var listening = await cli.ReadEventAsync("listening");
        var port = listening.GetProperty("port").GetInt32();
        var thumbprint = listening.GetProperty("certificateThumbprint").GetString();
        Assert.Equal("starttls", listening.GetProperty("tls").GetString());
        Assert.True(listening.GetProperty("auth").GetBoolean());

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@example.com"));
        message.To.Add(MailboxAddress.Parse("alice@example.com"));
        message.Subject = "Over TLS";
        message.Body = new TextPart("plain") { Text = "Secret." };
        using (var client = new SmtpClient())
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint;
            await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.StartTls);
            await client.AuthenticateAsync("app", "s3cret");
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        var received = await cli.ReadEventAsync("message");
        Assert.Equal("Over TLS", received.GetProperty("subject").GetString());
        Assert.DoesNotContain("s3cret", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImplicitTlsServesTheCertificateGivenWithCert()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=cli-test", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = Path.Combine(Path.GetTempPath(), "smtp-fixture-cli-" + Guid.NewGuid().ToString("N") + ".pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "pfx-password"));
        try
        {
            await using var cli = CliProcess.Start("--port", "0", "--json", "--tls", "implicit", "--cert", pfx, "--cert-password", "pfx-password");
            var listening = await cli.ReadEventAsync("listening");

            Assert.Equal("implicit", listening.GetProperty("tls").GetString());
            Assert.Equal(certificate.Thumbprint, listening.GetProperty("certificateThumbprint").GetString());
            using var client = new SmtpClient();
            client.ServerCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.Thumbprint;
            await client.ConnectAsync("127.0.0.1", listening.GetProperty("port").GetInt32(), MailKit.Security.SecureSocketOptions.SslOnConnect);
            Assert.True(client.IsSecure);
            await client.DisconnectAsync(true);
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    [Fact]
    public async Task WithRequiredAuthAnUnauthenticatedSenderIsRefusedWith530()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--user", "app:s3cret", "--require-auth");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        // MailKit turns a 530 into ServiceNotAuthenticatedException.
        await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => SendAsync(port, "alice@example.com", "Anonymous"));

        var refused = await cli.ReadEventAsync("refused");
        Assert.Equal("MailFrom", refused.GetProperty("stage").GetString());
        Assert.StartsWith("530 5.7.0", refused.GetProperty("reply").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerboseWritesTheTranscriptToStandardErrorWithoutAuthSecrets()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json", "--verbose", "--user", "app:s3cret", "--allow-insecure-auth");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        await SendAsync(port, "alice@example.com", "Logged", user: "app", password: "s3cret");
        await cli.ReadEventAsync("message");
        cli.Terminate();
        await cli.WaitForExitAsync();

        var transcript = cli.StandardError;
        Assert.Contains("C: EHLO", transcript, StringComparison.Ordinal);
        Assert.Contains("C: RCPT TO:<alice@example.com>", transcript, StringComparison.Ordinal);
        Assert.Contains("C: AUTH", transcript, StringComparison.Ordinal);
        foreach (var secret in new[] { "s3cret", Convert.ToBase64String("\0app\0s3cret"u8), Convert.ToBase64String("s3cret"u8) })
        {
            Assert.DoesNotContain(secret, transcript, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SigtermStopsTheServerGracefullyWithExitCode0()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json");
        await cli.ReadEventAsync("listening");

        cli.Terminate();

        await cli.ReadEventAsync("stopped");
        Assert.Equal(0, await cli.WaitForExitAsync());
    }

    [Theory]
    [InlineData("--port", "not-a-number")]
    [InlineData("--max-size", "12 parsecs")]
    [InlineData("--no-such-option")]
    [InlineData("--greylist", "soon")]
    [InlineData("--rate-limit", "lots")]
    [InlineData("--tls", "sometimes")]
    [InlineData("--user", "nopassword")]
    [InlineData("--require-auth")]
    [InlineData("--require-tls")]
    [InlineData("--cert", "/no/such/file.pfx", "--tls", "starttls")]
    [InlineData("--http-port", "http")]
    [InlineData("--http-token", "s3cret")]
    [InlineData("--http-port", "0", "--host", "0.0.0.0")]
    public async Task ABadOptionExitsWithCode2AndAClearError(params string[] args)
    {
        await using var cli = CliProcess.Start(args);

        Assert.Equal(2, await cli.WaitForExitAsync());
        Assert.Contains(args[0], cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("--help", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpDocumentsEveryOptionWithAnExample()
    {
        await using var cli = CliProcess.Start("--help");
        var lines = await ReadToEndAsync(cli);

        Assert.Equal(0, await cli.WaitForExitAsync());
        var help = string.Join("\n", lines);
        var optionLines = lines.Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal) || l.TrimStart().StartsWith("-v", StringComparison.Ordinal) || l.TrimStart().StartsWith("-p", StringComparison.Ordinal))
            .Where(l => !l.Contains("--help", StringComparison.Ordinal) && !l.Contains("--version", StringComparison.Ordinal))
            .ToArray();
        Assert.NotEmpty(optionLines);
        Assert.All(optionLines, l => Assert.Contains("Example: -", l, StringComparison.Ordinal));
        foreach (var option in new[] { "--host", "--port", "--tls", "--cert", "--cert-password", "--user", "--require-auth", "--require-tls", "--allow-insecure-auth", "--max-size", "--greylist", "--rate-limit", "--known-recipients", "--save-dir", "--json", "--verbose", "--http-port", "--http-token" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WithHttpPortTheListeningEventReportsTheApiPortAndTheApiServesTheToolsMessages()
    {
        await using var cli = CliProcess.Start("--port", "0", "--http-port", "0", "--json");
        var listening = await cli.ReadEventAsync("listening");
        var port = listening.GetProperty("port").GetInt32();
        var httpPort = listening.GetProperty("httpPort").GetInt32();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };

        await SendAsync(port, "alice@example.com", "Over the API");
        await cli.ReadEventAsync("message");
        var list = JsonDocument.Parse(await http.GetStringAsync("api/v1/messages")).RootElement;

        Assert.NotEqual(port, httpPort);
        Assert.Equal("Over the API", list.GetProperty("messages")[0].GetProperty("Subject").GetString());
        cli.Terminate();
        await cli.ReadEventAsync("stopped");
        Assert.Equal(0, await cli.WaitForExitAsync());
    }

    [Fact]
    public async Task WithHttpPortTheTextFirstLineGivesTheInboxAddress()
    {
        await using var cli = CliProcess.Start("--port", "0", "--http-port", "0");

        var first = await cli.ReadLineAsync(_ => true);

        Assert.Matches(@"^smtp-fixture listening on 127\.0\.0\.1:\d+ \(.*\); HTTP API and web inbox on http://127\.0\.0\.1:\d+/ \(httpPort \d+\)", first);
    }

    [Fact]
    public async Task OnANonLoopbackHostTheApiRunsOnlyWithATokenAndRequiresIt()
    {
        await using var cli = CliProcess.Start("--host", "0.0.0.0", "--port", "0", "--http-port", "0", "--http-token", "s3cret", "--json");
        var httpPort = (await cli.ReadEventAsync("listening")).GetProperty("httpPort").GetInt32();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };

        using var anonymous = await http.GetAsync("api/v1/messages");
        http.DefaultRequestHeaders.Authorization = new("Bearer", "s3cret");
        using var authorized = await http.GetAsync("api/v1/messages");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, authorized.StatusCode);
    }

    [Fact]
    public async Task AnHttpPortInUseExitsWithCode1()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        await using var cli = CliProcess.Start("--port", "0", "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, await cli.WaitForExitAsync());
        Assert.Contains("cannot listen for HTTP", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListeningOnEveryInterfaceWithoutAuthWarnsOnStandardError()
    {
        await using var cli = CliProcess.Start("--host", "0.0.0.0", "--port", "0", "--json");
        await cli.ReadEventAsync("listening");

        cli.Terminate();
        await cli.ReadEventAsync("stopped");
        await cli.WaitForExitAsync();

        Assert.Contains("warning", cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("--require-auth", cli.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Every line the process writes to standard output until it ends.</summary>
    private static async Task<List<string>> ReadToEndAsync(CliProcess cli)
    {
        var lines = new List<string>();
        try
        {
            while (true)
            {
                lines.Add(await cli.ReadLineAsync(_ => true));
            }
        }
        catch (Xunit.Sdk.XunitException)
        {
            // The output ended.
        }

        return lines;
    }

    internal static async Task SendAsync(int port, string to, string subject, string body = "Hello from the CLI tests.", string? user = null, string? password = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
        if (user is not null)
        {
            await client.AuthenticateAsync(user, password ?? string.Empty);
        }

        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }
}
