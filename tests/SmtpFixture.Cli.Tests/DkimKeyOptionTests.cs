using MailKit.Net.Smtp;
using MimeKit;
using MimeKit.Cryptography;
using SmtpFixture.Dkim;

namespace SmtpFixture.Cli.Tests;

/// <summary><c>--dkim-key DOMAIN:SELECTOR:FILE</c> and the <c>dkim</c> field of message events.</summary>
public sealed class DkimKeyOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smtp-fixture-dkim-").FullName;

    [Fact]
    public async Task MessageEventsCarryOneVerdictPerSignatureCheckedWithTheKeyFiles()
    {
        var s1 = SmtpDkimKey.Create("example.com", "s1");
        var ed = SmtpDkimKey.Create("example.com", "ed", DkimSignatureAlgorithm.Ed25519Sha256);
        var s1File = Write("s1.txt", s1.PublicKeyRecord);

        // opendkim-genkey's zone-file form, quoted strings split across lines.
        var edFile = Write("ed.txt", $"ed._domainkey\tIN\tTXT\t( \"v=DKIM1; k=ed25519; \"\n\t\"{ed.PublicKeyRecord["v=DKIM1; k=ed25519; ".Length..]}\" )\n");
        await using var cli = CliProcess.Start("--port", "0", "--json", "--dkim-key", $"example.com:s1:{s1File}", "--dkim-key", $"example.com:ed:{edFile}");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("noreply@example.com"));
        message.To.Add(MailboxAddress.Parse("alice@example.org"));
        message.Subject = "Signed twice";
        message.Body = new TextPart("plain") { Text = "Hello\r\n" };
        message.Prepare(EncodingConstraint.SevenBit);
        s1.CreateSigner().Sign(message, [HeaderId.From, HeaderId.Subject]);
        SmtpDkimKey.Create("example.com", "s9").CreateSigner().Sign(message, [HeaderId.From, HeaderId.Subject]);
        ed.CreateSigner().Sign(message, [HeaderId.From, HeaderId.Subject]);
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        var dkim = (await cli.ReadEventAsync("message")).GetProperty("dkim").EnumerateArray()
            .Select(r => (r.GetProperty("domain").GetString(), r.GetProperty("selector").GetString(), r.GetProperty("result").GetString(), r.GetProperty("reason").GetString()))
            .ToArray();
        Assert.Equal(
            [
                ("example.com", "ed", "pass", null),
                ("example.com", "s9", "fail", "no key for selector: nothing registered for s9._domainkey.example.com (example.com has selector(s) s1, ed); add it to DkimKeys"),
                ("example.com", "s1", "pass", null),
            ],
            dkim);
    }

    [Fact]
    public async Task AnUnsignedMessageHasAnEmptyDkimArray()
    {
        await using var cli = CliProcess.Start("--port", "0", "--json");
        var port = (await cli.ReadEventAsync("listening")).GetProperty("port").GetInt32();

        await CliTests.SendAsync(port, "alice@example.com", "Unsigned");

        Assert.Equal(0, (await cli.ReadEventAsync("message")).GetProperty("dkim").GetArrayLength());
    }

    [Theory]
    [InlineData("example.com:s1", "is not DOMAIN:SELECTOR:PUBLIC-KEY-FILE")]
    [InlineData("example.com:s1:/no/such/key.txt", "/no/such/key.txt")]
    [InlineData("example.com:s1:{dir}/bad.txt", "Not a DKIM public key record")]
    public async Task ABadKeyExitsWithCode2NamingTheProblem(string value, string expected)
    {
        Write("bad.txt", "v=DKIM1; k=rsa; p=");
        await using var cli = CliProcess.Start("--dkim-key", value.Replace("{dir}", _dir, StringComparison.Ordinal));

        Assert.Equal(2, await cli.WaitForExitAsync());
        Assert.Contains("--dkim-key", cli.StandardError, StringComparison.Ordinal);
        Assert.Contains(expected, cli.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
