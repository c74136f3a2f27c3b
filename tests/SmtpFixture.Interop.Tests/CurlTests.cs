using System.Globalization;
using System.Text;
using SmtpFixture.Interop.Tests.Support;

namespace SmtpFixture.Interop.Tests;

/// <summary>curl's SMTP upload against the fixture: the file it uploads must be captured byte for byte.</summary>
public sealed class CurlTests(ITestOutputHelper output)
{
    // CRLF line endings (curl sends the file as is), lines that curl must dot-stuff, and UTF-8 in the body.
    private static readonly byte[] Message = Encoding.UTF8.GetBytes(
        "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n" +
        "Message-ID: <curl-1@example.com>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "From: Sender <sender@example.com>\r\n" +
        "To: Alice <alice@example.com>, Bob <bob@example.com>\r\n" +
        "Subject: curl upload\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "Content-Transfer-Encoding: 8bit\r\n" +
        "\r\n" +
        ".leading dot\r\n" +
        "..two dots\r\n" +
        ".\r\n" +
        "Grüße, ünïcödé\r\n" +
        "last line\r\n");

    [SkippableFact]
    public async Task SmtpUploadWithSeveralRecipientsArrivesByteExact()
    {
        var curl = ExternalTool.Require("curl", "curl");
        await using var server = await SmtpTestServer.StartAsync();
        using var temp = new TempDirectory();
        var file = temp.WriteFile("message.eml", Message);

        var result = await ExternalProcess.RunAsync(output, curl,
        [
            "--verbose", "--silent", "--show-error", "--max-time", "20",
            "--url", string.Create(CultureInfo.InvariantCulture, $"smtp://{server.Host}:{server.Port}/client.example"),
            "--mail-from", "sender@example.com",
            "--mail-rcpt", "alice@example.com",
            "--mail-rcpt", "bob@example.com",
            "--mail-rcpt", "hidden@example.com",
            "--upload-file", file,
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        AssertOnlyEightBitUndeclared(message);
        Assert.Equal("sender@example.com", message.Envelope.MailFrom);
        Assert.Equal(["alice@example.com", "bob@example.com", "hidden@example.com"], message.Envelope.Recipients);
        Assert.Equal("client.example", message.Session.ClientName);
        Assert.Equal(Message, message.RawData.ToArray());
    }

    [SkippableFact]
    public async Task StartTlsRequiredWithLoginAndTheExportedCertificateArrivesByteExact()
    {
        var curl = ExternalTool.Require("curl", "curl");
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.RequireTls = true;
            o.RequireAuthentication = true;
            o.Users["alice"] = "s3cret";
        });
        using var temp = new TempDirectory();
        var file = temp.WriteFile("message.eml", Message);
        // curl verifies the chain and the name (127.0.0.1 is in the certificate's subjectAltName) against this file.
        var caCert = temp.WriteFile("server.pem", server.Certificate!.ExportCertificatePem());

        var result = await ExternalProcess.RunAsync(output, curl,
        [
            "--verbose", "--silent", "--show-error", "--max-time", "20",
            "--url", string.Create(CultureInfo.InvariantCulture, $"smtp://{server.Host}:{server.Port}/client.example"),
            "--ssl-reqd", "--cacert", caCert,
            "--user", "alice:s3cret",
            "--mail-from", "sender@example.com",
            "--mail-rcpt", "alice@example.com",
            "--mail-rcpt", "bob@example.com",
            "--upload-file", file,
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        AssertOnlyEightBitUndeclared(message);
        Assert.True(message.Session.IsSecure);
        Assert.Equal("alice", message.Session.AuthenticatedUser);
        Assert.Equal(["alice@example.com", "bob@example.com"], message.Envelope.Recipients);
        Assert.Equal(Message, message.RawData.ToArray());
    }

    [SkippableFact]
    public async Task SmtpsWithImplicitTlsAndAuthPlainArrivesByteExact()
    {
        var curl = ExternalTool.Require("curl", "curl");
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.Tls = SmtpTlsMode.Implicit;
            o.RequireAuthentication = true;
            o.Users["alice"] = "s3cret";
        });
        using var temp = new TempDirectory();
        var file = temp.WriteFile("message.eml", Message);

        var result = await ExternalProcess.RunAsync(output, curl,
        [
            "--verbose", "--silent", "--show-error", "--max-time", "20",
            "--url", string.Create(CultureInfo.InvariantCulture, $"smtps://{server.Host}:{server.Port}/client.example"),
            "--insecure",
            "--user", "alice:s3cret", "--login-options", "AUTH=PLAIN",
            "--mail-from", "sender@example.com",
            "--mail-rcpt", "alice@example.com",
            "--mail-rcpt", "bob@example.com",
            "--upload-file", file,
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        AssertOnlyEightBitUndeclared(message);
        Assert.True(message.Session.IsSecure);
        Assert.Equal("alice", message.Session.AuthenticatedUser);
        Assert.Equal("PLAIN", message.Session.AuthenticationMechanism);
        Assert.Equal(["alice@example.com", "bob@example.com"], message.Envelope.Recipients);
        Assert.Equal(Message, message.RawData.ToArray());
    }

    [SkippableFact]
    public async Task ASevenBitUploadBreaksNoRule()
    {
        var curl = ExternalTool.Require("curl", "curl");
        await using var server = await SmtpTestServer.StartAsync();
        using var temp = new TempDirectory();
        var file = temp.WriteFile("message.eml", Encoding.ASCII.GetBytes(
            "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <curl-2@example.com>\r\nMIME-Version: 1.0\r\n" +
            "From: Sender <sender@example.com>\r\nTo: Alice <alice@example.com>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n.leading dot\r\n"));

        var result = await ExternalProcess.RunAsync(output, curl,
        [
            "--silent", "--show-error", "--max-time", "20",
            "--url", string.Create(CultureInfo.InvariantCulture, $"smtp://{server.Host}:{server.Port}/client.example"),
            "--mail-from", "sender@example.com", "--mail-rcpt", "alice@example.com", "--upload-file", file,
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        await server.DisposeAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.Empty(server.Violations);
    }

    // curl has no option for MAIL FROM:<…> BODY=8BITMIME, so an upload with 8-bit octets always breaks RFC 6152 §3:
    // a true finding (a strict receiver may refuse it), and the only one for a well-formed message.
    private static void AssertOnlyEightBitUndeclared(ReceivedMessage message) =>
        Assert.Equal([SmtpFixture.Checks.SmtpRules.EightBitUndeclared], Conformance.Rules(message));
}
