using System.Text;
using SmtpFixture.Interop.Tests.Support;

namespace SmtpFixture.Interop.Tests;

/// <summary>swaks against the fixture: the transactions it sends, and the exit codes its manual documents for refusals.</summary>
public sealed class SwaksTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task PlainMessageArrivesWithTheEnvelopeAndHeadersSwaksSent()
    {
        await using var server = await SmtpTestServer.StartAsync();

        var result = await Swaks.RunAsync(output, server,
            "--from", "sender@example.com", "--to", "alice@example.com",
            "--header", "Subject: swaks plain", "--body", "Hello from swaks");

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.Equal("sender@example.com", message.Envelope.MailFrom);
        Assert.Equal(["alice@example.com"], message.Envelope.Recipients);
        Assert.Equal("client.example", message.Session.ClientName);
        Assert.True(message.Session.IsExtended);
        Assert.Equal("swaks plain", message.Subject);
        Assert.Equal("Hello from swaks", message.Message.TextBody?.TrimEnd());
    }

    [SkippableFact]
    public async Task PipeliningSendsMailRcptAndDataInOneBatchAndTheMessageArrives()
    {
        await using var server = await SmtpTestServer.StartAsync();

        var result = await Swaks.RunAsync(output, server, "--pipeline",
            "--from", "sender@example.com", "--to", "alice@example.com,bob@example.com",
            "--header", "Subject: pipelined");

        Assert.True(result.ExitCode == 0, result.ToString());
        // swaks prints every command of a pipelined batch before the first reply to it (RFC 2920 §3.1).
        var lines = result.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r').Trim()).ToList();
        var mail = lines.FindIndex(l => l.StartsWith("-> MAIL FROM:", StringComparison.Ordinal));
        var data = lines.FindIndex(l => l == "-> DATA");
        Assert.True(mail >= 0 && data > mail, result.ToString());
        Assert.All(lines.Skip(mail).Take(data - mail + 1), l => Assert.StartsWith("->", l, StringComparison.Ordinal));
        var message = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        Assert.Equal(["alice@example.com", "bob@example.com"], message.Envelope.Recipients);
        Assert.Equal("pipelined", message.Subject);
    }

    [SkippableFact]
    public async Task AttachmentArrivesAsAMimePartWithItsNameAndExactContent()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var temp = new TempDirectory();
        var content = new byte[3000];
        for (var i = 0; i < content.Length; i++)
        {
            content[i] = (byte)(i * 7 % 256);
        }

        var file = temp.WriteFile("report.bin", content);

        var result = await Swaks.RunAsync(output, server,
            "--from", "sender@example.com", "--to", "alice@example.com",
            "--header", "Subject: with attachment", "--body", "See attached.", "--attach", "@" + file);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        var attachment = Assert.IsType<MimeKit.MimePart>(Assert.Single(message.Message.Attachments));
        Assert.Equal("report.bin", attachment.FileName);
        using var decoded = new MemoryStream();
        Assert.NotNull(attachment.Content);
        await attachment.Content.DecodeToAsync(decoded);
        Assert.Equal(content, decoded.ToArray());
        Assert.Equal("See attached.", message.Message.TextBody?.TrimEnd());
    }

    [SkippableFact]
    public async Task LinesStartingWithADotArriveUnstuffed()
    {
        await using var server = await SmtpTestServer.StartAsync();
        const string body = ".leading dot\n..two dots\n.\nend";

        var result = await Swaks.RunAsync(output, server,
            "--from", "sender@example.com", "--to", "alice@example.com",
            "--header", "Subject: dots", "--body", body);

        Assert.True(result.ExitCode == 0, result.ToString());
        var message = await server.WaitForMessageAsync();
        Assert.Empty(Conformance.AssertNoErrors(message));
        var raw = Encoding.ASCII.GetString(message.RawData.Span);
        // swaks dot-stuffs (RFC 5321 §4.5.2); the fixture must store the lines as the author wrote them.
        Assert.Contains("\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n", raw, StringComparison.Ordinal);
        Assert.Equal([".leading dot", "..two dots", ".", "end"], (message.Message.TextBody ?? string.Empty).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
    }

    [SkippableFact]
    public async Task RecipientRefusedWith550GivesSwaksExitCode24NoRecipientsAccepted()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var step = server.Script.OnRcptTo("nobody@example.com").Times(1).Reply(new SmtpReply(550, "5.1.1", "No such user"));

        var result = await Swaks.RunAsync(output, server, "--from", "sender@example.com", "--to", "nobody@example.com");

        // man swaks, EXIT CODES: "24 no RCPTs accepted".
        Assert.True(result.ExitCode == 24, result.ToString());
        Assert.Contains("<** 550 5.1.1 No such user", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
        var refusal = Assert.Single(server.Attempts.SelectMany(a => a.Refusals));
        Assert.Equal(550, refusal.Reply.Code);
        Assert.Equal(1, step.Uses);
    }

    [SkippableFact]
    public async Task SenderRefusedWith421AndClosedGivesSwaksExitCode23ErrorInMailTransaction()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnMailFrom().Times(1).Reply(new SmtpReply(421, "4.7.0", "Too many messages, slow down"), close: true);

        var result = await Swaks.RunAsync(output, server, "--from", "sender@example.com", "--to", "alice@example.com");

        // man swaks, EXIT CODES: "23 error in MAIL transaction"; a close after the error keeps the specific code.
        Assert.True(result.ExitCode == 23, result.ToString());
        Assert.Contains("<** 421 4.7.0 Too many messages, slow down", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [SkippableFact]
    public async Task MessageRefusedAfterTheFinalDotGivesSwaksExitCode26()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnMessage().Times(1).Reply(new SmtpReply(554, "5.6.0", "Content rejected"));

        var result = await Swaks.RunAsync(output, server, "--from", "sender@example.com", "--to", "alice@example.com");

        // man swaks, EXIT CODES: "26 server did not accept mail following data".
        Assert.True(result.ExitCode == 26, result.ToString());
        Assert.Empty(server.Messages);
        Assert.Contains(server.Attempts, a => a.Outcome == SmtpAttemptOutcome.Refused);
    }
}
