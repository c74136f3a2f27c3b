using System.Globalization;
using System.Text.Json;
using SmtpFixture.Checks;
using SmtpFixture.Interop.Tests.Support;
using SmtpFixture.Policies;

namespace SmtpFixture.Interop.Tests;

/// <summary>Python's standard smtplib against the fixture: SMTPUTF8, and the exceptions it raises for refusals.</summary>
public sealed class PythonSmtplibTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task SendMessageUsesSmtpUtf8ForAnInternationalizedAddress()
    {
        await using var server = await SmtpTestServer.StartAsync();

        var result = await RunPythonAsync(server, """
            import email.utils
            from email.message import EmailMessage
            msg = EmailMessage()
            msg["From"] = "sender@example.com"
            msg["To"] = "Jörg <jörg@bücher.example>"
            msg["Subject"] = "Grüße"
            # The email package adds neither (RFC 5322 §3.6 requires Date): a well-behaved program sets them.
            msg["Date"] = email.utils.formatdate()
            msg["Message-ID"] = email.utils.make_msgid(domain="example.com")
            msg.set_content("Hallo Jörg")
            with smtplib.SMTP(host, port, local_hostname="client.example", timeout=20) as s:
                s.set_debuglevel(1)
                refused = s.send_message(msg)
            report(refused=refused)
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.True(message.Envelope.SmtpUtf8, message.Envelope.MailParameters.ToString());
        Assert.Equal(["jörg@bücher.example"], message.Envelope.Recipients);
        Assert.Equal("Grüße", message.Subject);
        var to = Assert.IsType<MimeKit.MailboxAddress>(Assert.Single(message.Message.To));
        Assert.Equal("jörg@bücher.example", to.Address);
        Assert.Contains("Hallo Jörg", message.Message.TextBody, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TheEmailPackageLeavesOutDateAndMessageIdAndTheChecksSaySo()
    {
        // EmailMessage adds neither Date nor Message-ID, and smtplib sends what it is given: a program that forgets
        // them sends mail RFC 5322 §3.6 calls invalid, which is what the checks are for.
        await using var server = await SmtpTestServer.StartAsync();

        var result = await RunPythonAsync(server, """
            from email.message import EmailMessage
            msg = EmailMessage()
            msg["From"] = "sender@example.com"
            msg["To"] = "alice@example.com"
            msg["Subject"] = "forgot the date"
            msg.set_content("Hello")
            with smtplib.SMTP(host, port, local_hostname="client.example", timeout=20) as s:
                refused = s.send_message(msg)
            report(refused=refused)
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        Assert.Equal(
            [(SmtpRules.MissingDate, SmtpViolationSeverity.Error), (SmtpRules.MissingMessageId, SmtpViolationSeverity.Warning)],
            message.Violations.Select(v => (v.Rule, v.Severity)));
    }

    [SkippableFact]
    public async Task StartTlsThenLoginThenSendMessageArrivesAuthenticatedOverTls()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.RequireTls = true;
            o.RequireAuthentication = true;
            o.Users["alice"] = "s3cret";
        });
        using var temp = new TempDirectory();
        var caCert = temp.WriteFile("server.pem", server.Certificate!.ExportCertificatePem());

        var result = await RunPythonAsync(server, """
            import email.utils, ssl
            from email.message import EmailMessage
            context = ssl.create_default_context(cafile=sys.argv[3])
            msg = EmailMessage()
            msg["From"] = "alice@example.com"
            msg["To"] = "bob@example.com"
            msg["Subject"] = "tls and login"
            msg["Date"] = email.utils.formatdate()
            msg["Message-ID"] = email.utils.make_msgid(domain="example.com")
            msg.set_content("secret stuff")
            with smtplib.SMTP(host, port, local_hostname="client.example", timeout=20) as s:
                s.set_debuglevel(1)
                s.starttls(context=context)
                s.login("alice", "s3cret")
                refused = s.send_message(msg)
            report(refused=refused)
            """, caCert);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.True(message.Session.IsSecure);
        Assert.Equal("alice", message.Session.AuthenticatedUser);
        Assert.Equal(["bob@example.com"], message.Envelope.Recipients);
        Assert.Equal("tls and login", message.Subject);
    }

    [SkippableFact]
    public async Task UnknownRecipientRefusedWith550RaisesSmtpRecipientsRefused()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("alice@example.com")));

        var result = await RunPythonAsync(server, """
            try:
                with smtplib.SMTP(host, port, local_hostname="client.example", timeout=20) as s:
                    s.sendmail("sender@example.com", ["nobody@example.com"], "Subject: x\r\n\r\nbody\r\n")
                report(exception=None)
            except smtplib.SMTPRecipientsRefused as e:
                report(exception=type(e).__name__, recipients={k: [c, m.decode()] for k, (c, m) in e.recipients.items()})
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = JsonDocument.Parse(result.StandardOutput).RootElement;
        Assert.Equal("SMTPRecipientsRefused", report.GetProperty("exception").GetString());
        var refused = report.GetProperty("recipients").GetProperty("nobody@example.com");
        Assert.Equal(550, refused[0].GetInt32());
        Assert.Equal("5.1.1 Recipient address rejected: User unknown", refused[1].GetString());
        Assert.Empty(server.Messages);
    }

    [SkippableFact]
    public async Task RateLimitClosingWith421RaisesSmtpResponseExceptionWithCode421()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.RateLimit(1, TimeSpan.FromHours(1))));

        var result = await RunPythonAsync(server, """
            with smtplib.SMTP(host, port, local_hostname="client.example", timeout=20) as s:
                s.sendmail("sender@example.com", ["alice@example.com"], "Subject: first\r\n\r\nbody\r\n")
            try:
                with smtplib.SMTP(host, port, local_hostname="client.example", timeout=20) as s:
                    s.sendmail("sender@example.com", ["alice@example.com"], "Subject: second\r\n\r\nbody\r\n")
                report(exception=None)
            except smtplib.SMTPResponseException as e:
                report(exception=type(e).__name__, code=e.smtp_code, error=e.smtp_error.decode())
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = JsonDocument.Parse(result.StandardOutput).RootElement;
        // smtplib raises SMTPSenderRefused, a subclass of SMTPResponseException, for a refused MAIL FROM.
        Assert.Equal("SMTPSenderRefused", report.GetProperty("exception").GetString());
        Assert.Equal(421, report.GetProperty("code").GetInt32());
        Assert.Equal("4.7.0 Rate limit exceeded, closing transmission channel", report.GetProperty("error").GetString());
        var only = Assert.Single(server.Messages);
        Assert.Equal("first", only.Subject);
    }

    // pyenv and similar shims start a shell per call; ask python3 once for the interpreter it runs.
    private static readonly Lazy<Task<string>> Interpreter = new(async () =>
    {
        var python3 = ExternalTool.Require("python3", "python3");
        var startInfo = new System.Diagnostics.ProcessStartInfo(python3, ["-c", "import sys; print(sys.executable)"]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var executable = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 && File.Exists(executable) ? executable : python3;
    });

    /// <summary>Runs <paramref name="body"/> in python3 with <c>smtplib</c>, <c>host</c>, <c>port</c> and a <c>report(**values)</c> that prints JSON.</summary>
    private async Task<ProcessResult> RunPythonAsync(SmtpTestServer server, string body, params string[] extraArguments)
    {
        var python = await Interpreter.Value;
        using var temp = new TempDirectory();
        var prelude = """
            import json, smtplib, sys
            host, port = sys.argv[1], int(sys.argv[2])
            def report(**values):
                print(json.dumps(values, ensure_ascii=False))

            """;
        var script = temp.WriteFile("client.py", prelude + body + "\n");
        return await ExternalProcess.RunAsync(output, python,
            [script, server.Host, server.Port.ToString(CultureInfo.InvariantCulture), .. extraArguments],
            environment: new Dictionary<string, string> { ["PYTHONIOENCODING"] = "utf-8" });
    }
}
