using System.Net;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MimeKit;

namespace SmtpFixture.Cli.Tests;

/// <summary>Every endpoint of the HTTP API, in process over real sockets, with MailKit as the SMTP client.</summary>
public sealed class HttpApiTests
{
    [Fact]
    public async Task MessagesListsNewestFirstWithMailpitSummaryFields()
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendMailAsync("alice@example.com", "First");
        var second = await host.SendMailAsync("bob@example.com", "Second", "Body of the second message.");

        var list = await host.GetJsonAsync("api/v1/messages");

        Assert.Equal(2, list.GetProperty("total").GetInt32());
        Assert.Equal(2, list.GetProperty("count").GetInt32());
        Assert.Equal(2, list.GetProperty("messages_count").GetInt32());
        Assert.Equal(2, list.GetProperty("unread").GetInt32());
        Assert.Equal(0, list.GetProperty("start").GetInt32());
        var newest = list.GetProperty("messages")[0];
        Assert.Equal(second, newest.GetProperty("ID").GetString());
        Assert.Equal("Second", newest.GetProperty("Subject").GetString());
        Assert.Equal("app@example.com", newest.GetProperty("From").GetProperty("Address").GetString());
        Assert.Equal("bob@example.com", newest.GetProperty("To")[0].GetProperty("Address").GetString());
        Assert.Equal("Body of the second message.", newest.GetProperty("Snippet").GetString());
        Assert.False(newest.GetProperty("Read").GetBoolean());
        Assert.Equal(0, newest.GetProperty("Attachments").GetInt32());
        Assert.True(newest.GetProperty("Size").GetInt64() > 0);
        Assert.True(newest.TryGetProperty("Created", out _));
    }

    [Fact]
    public async Task StartAndLimitPageTheList()
    {
        await using var host = await ApiHost.StartAsync();
        for (var i = 1; i <= 3; i++)
        {
            await host.SendMailAsync("alice@example.com", $"Message {i}");
        }

        var page = await host.GetJsonAsync("api/v1/messages?start=1&limit=1");

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(1, page.GetProperty("count").GetInt32());
        Assert.Equal(1, page.GetProperty("start").GetInt32());
        Assert.Equal("Message 2", page.GetProperty("messages")[0].GetProperty("Subject").GetString());
    }

    [Theory]
    [InlineData("api/v1/messages?start=abc", "start: 'abc'")]
    [InlineData("api/v1/messages?limit=-1", "limit: '-1'")]
    [InlineData("api/v1/search?query=", "no search query")]
    [InlineData("api/v1/search?query=subject:%22open", "quote")]
    [InlineData("api/v1/search?query=is:sticky", "is:sticky")]
    [InlineData("api/v1/wait?count=0", "count: '0'")]
    [InlineData("api/v1/wait?timeout=soon", "timeout: 'soon'")]
    [InlineData("api/v1/wait?timeout=11m", "up to 10m")]
    public async Task MalformedQueryParametersAre400WithAMessageNamingThem(string path, string expected)
    {
        await using var host = await ApiHost.StartAsync();

        var (status, body) = await host.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageShowsBodiesAttachmentsAndEnvelopeAndMarksItRead()
    {
        await using var host = await ApiHost.StartAsync();
        var builder = new BodyBuilder { TextBody = "Plain text.", HtmlBody = "<p>HTML <b>text</b></p>" };
        builder.Attachments.Add("invoice.pdf", "PDF-BYTES"u8.ToArray(), new ContentType("application", "pdf"));
        var mail = ApiHost.Mail("Shop <shop@example.com>", "alice@example.com", "Your invoice");
        mail.Body = builder.ToMessageBody();
        var id = await host.SendMailAsync(mail, "alice@example.com", "audit@example.com");

        var message = await host.GetJsonAsync($"api/v1/message/{id}");

        Assert.Equal(id, message.GetProperty("ID").GetString());
        Assert.Equal("Shop", message.GetProperty("From").GetProperty("Name").GetString());
        Assert.Equal("Your invoice", message.GetProperty("Subject").GetString());
        Assert.Equal("Plain text.", message.GetProperty("Text").GetString()!.Trim());
        Assert.Contains("<b>text</b>", message.GetProperty("HTML").GetString(), StringComparison.Ordinal);
        Assert.Equal("audit@example.com", message.GetProperty("Bcc")[0].GetProperty("Address").GetString());
        var attachment = message.GetProperty("Attachments")[0];
        Assert.Equal("invoice.pdf", attachment.GetProperty("FileName").GetString());
        Assert.Equal("application/pdf", attachment.GetProperty("ContentType").GetString());
        Assert.Equal(9, attachment.GetProperty("Size").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("PDF-BYTES"u8)), attachment.GetProperty("Checksums").GetProperty("SHA256").GetString());
        var envelope = message.GetProperty("Envelope");
        Assert.Equal("shop@example.com", envelope.GetProperty("MailFrom").GetString());
        Assert.Equal(["alice@example.com", "audit@example.com"], envelope.GetProperty("Recipients").EnumerateArray().Select(e => e.GetString()));
        var list = await host.GetJsonAsync("api/v1/messages");
        Assert.True(list.GetProperty("messages")[0].GetProperty("Read").GetBoolean());
        Assert.Equal(0, list.GetProperty("unread").GetInt32());

        using var part = await host.Http.GetAsync($"api/v1/message/{id}/part/{attachment.GetProperty("PartID").GetString()}");
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.Equal("application/pdf", part.Content.Headers.ContentType!.MediaType);
        Assert.Equal("invoice.pdf", part.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        Assert.Equal("PDF-BYTES"u8.ToArray(), await part.Content.ReadAsByteArrayAsync());
        Assert.Contains("sandbox", string.Join(" ", part.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LatestIsTheNewestMessage()
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendMailAsync("alice@example.com", "Older");
        var newest = await host.SendMailAsync("alice@example.com", "Newer");

        var latest = await host.GetJsonAsync("api/v1/message/latest");

        Assert.Equal(newest, latest.GetProperty("ID").GetString());
    }

    [Theory]
    [InlineData("api/v1/message/NOSUCHID")]
    [InlineData("api/v1/message/NOSUCHID/headers")]
    [InlineData("api/v1/message/NOSUCHID/raw")]
    [InlineData("api/v1/message/NOSUCHID/part/1")]
    [InlineData("api/v1/message/latest")]
    [InlineData("view/NOSUCHID.html")]
    public async Task AnUnknownIdIs404(string path)
    {
        await using var host = await ApiHost.StartAsync();

        var (status, body) = await host.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("No message with ID", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownPartIs404()
    {
        await using var host = await ApiHost.StartAsync();
        var id = await host.SendMailAsync("alice@example.com", "One part");

        var (status, body) = await host.SendAsync(HttpMethod.Get, $"api/v1/message/{id}/part/9.9");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("no part '9.9'", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RawIsTheMessageAsReceivedAndHeadersMapNamesToValues()
    {
        await using var host = await ApiHost.StartAsync();
        var mail = ApiHost.Mail("app@example.com", "alice@example.com", "Raw");
        mail.Headers.Add("X-Trace", "one");
        mail.Headers.Add("X-Trace", "two");
        var id = await host.SendMailAsync(mail);

        using var raw = await host.Http.GetAsync($"api/v1/message/{id}/raw");
        var headers = await host.GetJsonAsync($"api/v1/message/{id}/headers");

        Assert.Equal(host.Server.Messages[0].RawData.ToArray(), await raw.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", raw.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["one", "two"], headers.GetProperty("X-Trace").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Raw", headers.GetProperty("Subject")[0].GetString());
    }

    [Theory]
    [InlineData("from:billing", "Invoice")]
    [InlineData("to:carol", "Hidden copy")]
    [InlineData("subject:welcome", "Welcome aboard")]
    [InlineData("tag:signup", "Welcome aboard")]
    [InlineData("\"password reset\"", "Reset")]
    [InlineData("-subject:welcome -subject:reset !subject:hidden", "Invoice")]
    public async Task SearchUnderstandsMailpitFilters(string query, string expectedSubject)
    {
        await using var host = await ApiHost.StartAsync();
        var welcome = ApiHost.Mail("app@example.com", "alice@example.com", "Welcome aboard");
        welcome.Headers.Add("X-Tags", "signup, onboarding");
        await host.SendMailAsync(welcome);
        await host.SendMailAsync(ApiHost.Mail("billing@example.com", "bob@example.com", "Invoice"));
        await host.SendMailAsync(ApiHost.Mail("app@example.com", "bob@example.com", "Reset", "Here is your password reset link."));
        await host.SendMailAsync(ApiHost.Mail("app@example.com", "dave@example.com", "Hidden copy"), "carol@example.com");

        var result = await host.GetJsonAsync("api/v1/search?query=" + Uri.EscapeDataString(query));

        Assert.Equal(4, result.GetProperty("total").GetInt32());
        Assert.Equal(1, result.GetProperty("messages_count").GetInt32());
        Assert.Equal(expectedSubject, result.GetProperty("messages")[0].GetProperty("Subject").GetString());
    }

    [Fact]
    public async Task DeleteMessagesDeletesTheGivenIdsOrAll()
    {
        await using var host = await ApiHost.StartAsync();
        var first = await host.SendMailAsync("alice@example.com", "One");
        var second = await host.SendMailAsync("alice@example.com", "Two");
        await host.SendMailAsync("alice@example.com", "Three");

        var (status, body) = await host.SendAsync(HttpMethod.Delete, "api/v1/messages", $"{{\"IDs\":[\"{first}\",\"{second}\"]}}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body);
        var left = await host.GetJsonAsync("api/v1/messages");
        Assert.Equal(["Three"], left.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("Subject").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, $"api/v1/message/{first}")).Status);

        (status, _) = await host.SendAsync(HttpMethod.Delete, "api/v1/messages");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, (await host.GetJsonAsync("api/v1/messages")).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("{\"IDs\":")]
    [InlineData("{\"IDs\":\"not-an-array\"}")]
    [InlineData("{\"Ids\":[1]}")]
    [InlineData("{\"Everything\":true}")]
    public async Task AMalformedDeleteBodyIs400AndDeletesNothing(string json)
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendMailAsync("alice@example.com", "Keep me");

        var (status, body) = await host.SendAsync(HttpMethod.Delete, "api/v1/messages", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrWhiteSpace(body));
        Assert.Equal(1, (await host.GetJsonAsync("api/v1/messages")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task DeleteSearchDeletesTheMatchingMessages()
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendMailAsync("alice@example.com", "Keep");
        await host.SendMailAsync("bob@example.com", "Drop");

        var (status, _) = await host.SendAsync(HttpMethod.Delete, "api/v1/search?query=to:bob");

        Assert.Equal(HttpStatusCode.OK, status);
        var left = await host.GetJsonAsync("api/v1/messages");
        Assert.Equal(["Keep"], left.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("Subject").GetString()));
    }

    [Theory]
    [InlineData("livez")]
    [InlineData("readyz")]
    public async Task HealthProbesAnswer200(string path)
    {
        await using var host = await ApiHost.StartAsync();

        var (status, _) = await host.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task WaitAnswersAtOnceForMessagesThatArrivedBeforeTheCall()
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendMailAsync("alice@example.com", "Already here");

        var result = await host.GetJsonAsync("api/v1/wait?query=to:alice&timeout=30s");

        Assert.Equal("Already here", result.GetProperty("messages")[0].GetProperty("Subject").GetString());
    }

    [Fact]
    public async Task WaitAnswersWhenTheCountOfMatchingMessagesArrives()
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendMailAsync("bob@example.com", "Not for alice");
        var wait = host.GetJsonAsync("api/v1/wait?query=to:alice&count=2&timeout=60");

        await host.SendMailAsync("alice@example.com", "One");
        Assert.False(wait.IsCompleted);
        await host.SendMailAsync("alice@example.com", "Two");
        var result = await wait;

        Assert.Equal(2, result.GetProperty("count").GetInt32());
        Assert.Equal(["Two", "One"], result.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("Subject").GetString()));
    }

    [Fact]
    public async Task WaitTimesOutWith408AndSaysWhatArrivedWhatWasRefusedAndWhichStepsWereNeverUsed()
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendMailAsync("bob@example.com", "Wrong recipient");
        host.Server.Script.OnRcptTo("mallory@example.com").Reply(SmtpReplies.MailboxUnavailable);
        host.Server.Script.OnMailFrom("never@example.com").Reply(SmtpReplies.MailboxBusy);
        await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("mallory@example.com", "Refused"));

        var (status, body) = await host.SendAsync(HttpMethod.Get, "api/v1/wait?query=to:alice&timeout=0.2");

        Assert.Equal(HttpStatusCode.RequestTimeout, status);
        Assert.StartsWith("Timed out after 0.2 s waiting for a message matching \"to:alice\" (0 matching).", body, StringComparison.Ordinal);
        Assert.Contains("1 message was received:", body, StringComparison.Ordinal);
        Assert.Contains("Wrong recipient", body, StringComparison.Ordinal);
        Assert.Contains("1 attempt was refused or aborted:", body, StringComparison.Ordinal);
        Assert.Contains("mallory@example.com", body, StringComparison.Ordinal);
        Assert.Contains("Script steps never used:", body, StringComparison.Ordinal);
        Assert.Contains("never@example.com", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitIgnoresDeletedMessages()
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendMailAsync("alice@example.com", "Deleted before the wait");
        await host.SendAsync(HttpMethod.Delete, "api/v1/messages");
        var wait = host.GetJsonAsync("api/v1/wait?query=to:alice&timeout=60");

        await host.SendMailAsync("alice@example.com", "Fresh");
        var result = await wait;

        Assert.Equal(["Fresh"], result.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("Subject").GetString()));
    }

    [Fact]
    public async Task AttemptsListEveryTransactionWithItsCommandsRepliesAndWhoAnswered()
    {
        await using var host = await ApiHost.StartAsync();
        host.Policies.KnownRecipients(["alice@example.com"]);
        await host.SendMailAsync("alice@example.com", "Known");
        await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("mallory@example.com", "Unknown"));

        var attempts = await host.GetJsonAsync("api/v1/attempts");

        Assert.Equal(["accepted", "refused"], attempts.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        Assert.False(string.IsNullOrEmpty(attempts[0].GetProperty("messageId").GetString()));
        var refusal = attempts[1].GetProperty("exchanges").EnumerateArray().Single(e => e.GetProperty("code").GetInt32() >= 400);
        Assert.Equal("rcptTo", refusal.GetProperty("stage").GetString());
        Assert.Equal("RCPT TO:<mallory@example.com>", refusal.GetProperty("command").GetString());
        Assert.Equal(550, refusal.GetProperty("code").GetInt32());
        Assert.Equal("KnownRecipients", refusal.GetProperty("answeredBy").GetString());
    }

    [Fact]
    public async Task GreylistingSwitchedOnOverTheApiDefersTheFirstTryAndAcceptsTheRetry()
    {
        await using var host = await ApiHost.StartAsync();

        var (status, body) = await host.SendAsync(HttpMethod.Put, "api/v1/policies", "{\"greylisting\":{\"delay\":\"0s\"}}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("0s", JsonDocument.Parse(body).RootElement.GetProperty("greylisting").GetProperty("delay").GetString());

        var first = await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("alice@example.com", "Greylisted"));
        Assert.Equal(450, (int)first.StatusCode);
        await host.SendMailAsync("alice@example.com", "Greylisted");
        Assert.Single(host.Server.Messages);

        (status, body) = await host.SendAsync(HttpMethod.Delete, "api/v1/policies");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(body).RootElement.GetProperty("greylisting").ValueKind);
        await host.SendMailAsync("bob@example.com", "Not greylisted any more");
    }

    [Fact]
    public async Task PoliciesSwitchKnownRecipientsMaxSizeAuthAndRateLimitsWithTheLibrarySemantics()
    {
        await using var host = await ApiHost.StartAsync();

        await host.SendAsync(HttpMethod.Put, "api/v1/policies", "{\"knownRecipients\":[\"alice@example.com\"]}");
        var unknown = await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("bob@example.com", "Who?"));
        Assert.Equal(550, (int)unknown.StatusCode);

        await host.SendAsync(HttpMethod.Put, "api/v1/policies", "{\"knownRecipients\":null,\"maxMessageSize\":\"1KiB\"}");
        var large = await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("bob@example.com", "Big", new string('x', 4096)));
        Assert.Equal(552, (int)large.StatusCode);

        await host.SendAsync(HttpMethod.Put, "api/v1/policies", "{\"maxMessageSize\":null,\"requireAuthentication\":true}");
        await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => host.SendMailAsync("bob@example.com", "Anonymous"));

        var (_, body) = await host.SendAsync(HttpMethod.Put, "api/v1/policies", "{\"requireAuthentication\":false,\"rateLimit\":{\"limit\":1,\"window\":\"1h\"}}");
        var settings = JsonDocument.Parse(body).RootElement;
        Assert.Equal(1, settings.GetProperty("rateLimit").GetProperty("limit").GetInt32());
        Assert.Equal("1h", settings.GetProperty("rateLimit").GetProperty("window").GetString());
        Assert.False(settings.GetProperty("requireAuthentication").GetBoolean());
        await host.SendMailAsync("bob@example.com", "Within the limit");
        var tooFast = await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("bob@example.com", "Over the limit"));
        Assert.Equal(421, (int)tooFast.StatusCode);

        var current = await host.GetJsonAsync("api/v1/policies");
        Assert.Equal(JsonValueKind.Null, current.GetProperty("knownRecipients").ValueKind);
        Assert.Equal(JsonValueKind.Object, current.GetProperty("rateLimit").ValueKind);
    }

    [Theory]
    [InlineData("{\"maxMessageSize\":2048,\"greylisting\":{\"delay\":\"soon\"}}", "policies.greylisting.delay")]
    [InlineData("{\"rateLimit\":{\"limit\":0,\"window\":\"1m\"}}", "policies.rateLimit.limit")]
    [InlineData("{\"rateLimit\":{\"limit\":5,\"window\":\"1m\",\"unit\":\"bytes\"}}", "policies.rateLimit.unit")]
    [InlineData("{\"knownRecipients\":[]}", "policies.knownRecipients")]
    [InlineData("{\"requireTls\":\"yes\"}", "policies.requireTls")]
    [InlineData("{\"spamFilter\":true}", "unknown field 'spamFilter'")]
    [InlineData("{\"greylisting\":true,", "not valid JSON")]
    [InlineData("[]", "expected an object")]
    [InlineData("", "The body is empty")]
    public async Task AMalformedPolicyBodyIs400NamingTheFieldAndChangesNothing(string json, string expected)
    {
        await using var host = await ApiHost.StartAsync();

        var (status, body) = await host.SendAsync(HttpMethod.Put, "api/v1/policies", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await host.GetJsonAsync("api/v1/policies")).GetProperty("maxMessageSize").ValueKind);
        Assert.Empty(host.Server.Policies);
    }

    [Fact]
    public async Task ScriptStepsPostedAsJsonAnswerAsScriptedAndCountTheirUses()
    {
        await using var host = await ApiHost.StartAsync();

        var (status, body) = await host.SendAsync(HttpMethod.Post, "api/v1/script",
            "{\"steps\":[{\"stage\":\"rcptTo\",\"address\":\"bob@example.com\",\"times\":2,\"reply\":\"452 4.2.2 Mailbox full\"}," +
            "{\"stage\":\"message\",\"drop\":true}]}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, JsonDocument.Parse(body).RootElement.GetArrayLength());

        var full = await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("bob@example.com", "First"));
        Assert.Equal(452, (int)full.StatusCode);
        Assert.Contains("Mailbox full", full.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => host.SendMailAsync("alice@example.com", "Dropped after the dot"));
        Assert.Empty(host.Server.Messages);

        var steps = await host.GetJsonAsync("api/v1/script");
        Assert.Equal(1, steps[0].GetProperty("uses").GetInt32());
        Assert.False(steps[0].GetProperty("usedUp").GetBoolean());
        Assert.True(steps[1].GetProperty("usedUp").GetBoolean());

        (status, _) = await host.SendAsync(HttpMethod.Delete, "api/v1/script");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(host.Server.Script.Steps);
    }

    [Theory]
    [InlineData("{\"steps\":[{\"stage\":\"rcptTo\"}]}", "steps[0]: give exactly one action")]
    [InlineData("{\"steps\":[{\"stage\":\"rcptTo\",\"drop\":true,\"delay\":\"1s\"}]}", "steps[0]: give exactly one action")]
    [InlineData("{\"steps\":[{\"stage\":\"lunch\",\"drop\":true}]}", "steps[0].stage")]
    [InlineData("{\"steps\":[{\"stage\":\"data\",\"reply\":\"hello\"}]}", "steps[0].reply")]
    [InlineData("{\"steps\":[{\"stage\":\"data\",\"reply\":\"250 ok\"},{\"stage\":\"data\",\"times\":0,\"drop\":true}]}", "steps[1].times")]
    [InlineData("{\"steps\":[{\"stage\":\"data\",\"address\":\"a@b\",\"drop\":true}]}", "steps[0].address")]
    [InlineData("{\"steps\":[]}", "at least one step")]
    public async Task AMalformedScriptIs400NamingTheStepAndAddsNothing(string json, string expected)
    {
        await using var host = await ApiHost.StartAsync();

        var (status, body) = await host.SendAsync(HttpMethod.Post, "api/v1/script", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body, StringComparison.Ordinal);
        Assert.Empty(host.Server.Script.Steps);
    }

    [Fact]
    public async Task ResetForgetsMessagesAttemptsScriptAndGreylistingStateButKeepsPoliciesOn()
    {
        await using var host = await ApiHost.StartAsync();
        await host.SendAsync(HttpMethod.Put, "api/v1/policies", "{\"greylisting\":true}");
        await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("alice@example.com", "Greylisted"));
        await host.SendMailAsync("alice@example.com", "Greylisted");
        host.Server.Script.OnData().Reply(SmtpReplies.TransactionFailed);

        var (status, _) = await host.SendAsync(HttpMethod.Post, "api/v1/reset");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, (await host.GetJsonAsync("api/v1/messages")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await host.GetJsonAsync("api/v1/attempts")).GetArrayLength());
        Assert.Empty(host.Server.Script.Steps);
        var again = await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("alice@example.com", "Greylisted"));
        Assert.Equal(450, (int)again.StatusCode);
    }

    [Fact]
    public async Task EventsStreamMessagesAndRefusalsAsServerSentEvents()
    {
        await using var host = await ApiHost.StartAsync();
        host.Policies.KnownRecipients(["alice@example.com"]);
        using var response = await host.Http.GetAsync("api/v1/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith(":", await reader.ReadLineAsync());

        var id = await host.SendMailAsync("alice@example.com", "Live");
        var message = await ReadEventAsync(reader);
        await Assert.ThrowsAsync<SmtpCommandException>(() => host.SendMailAsync("mallory@example.com", "Refused"));
        var refused = await ReadEventAsync(reader);

        Assert.Equal("message", message.Name);
        Assert.Equal(id, message.Data.GetProperty("ID").GetString());
        Assert.Equal("Live", message.Data.GetProperty("Subject").GetString());
        Assert.Equal("refused", refused.Name);
        Assert.Equal(550, refused.Data.GetProperty("code").GetInt32());
        Assert.Equal("mallory@example.com", refused.Data.GetProperty("address").GetString());
    }

    [Fact]
    public async Task EventsStreamViolationsAndAttemptsCarryThem()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.Http.GetAsync("api/v1/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith(":", await reader.ReadLineAsync());

        // A client that greets and hangs up without QUIT: the no-quit check (RFC 5321 §4.1.1.10).
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(host.Server.Host, host.Server.Port);
            var stream = client.GetStream();
            var greeting = new byte[512];
            Assert.True(await stream.ReadAsync(greeting) > 0);
            await stream.WriteAsync("EHLO client.example\r\n"u8.ToArray());
            Assert.True(await stream.ReadAsync(greeting) > 0);
        }

        var violation = await ReadEventAsync(reader);
        Assert.Equal("violation", violation.Name);
        Assert.Equal("no-quit", violation.Data.GetProperty("rule").GetString());
        Assert.Equal("error", violation.Data.GetProperty("severity").GetString());
        Assert.Equal("RFC 5321 §4.1.1.10", violation.Data.GetProperty("reference").GetString());
        Assert.Equal(JsonValueKind.Null, violation.Data.GetProperty("message").ValueKind);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryEndpoint()
    {
        await using var host = await ApiHost.StartAsync();

        var document = await host.GetJsonAsync("openapi/v1.json");

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/messages", "/api/v1/message/{id}", "/api/v1/message/{id}/raw", "/api/v1/message/{id}/headers", "/api/v1/message/{id}/part/{partId}", "/api/v1/search", "/api/v1/wait", "/api/v1/attempts", "/api/v1/policies", "/api/v1/script", "/api/v1/reset", "/api/v1/events", "/livez", "/readyz" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        }

        Assert.True(paths.GetProperty("/api/v1/policies").GetProperty("put").TryGetProperty("requestBody", out _));
    }

    [Fact]
    public async Task WithATokenEveryRequestButHealthProbesNeedsIt()
    {
        await using var host = await ApiHost.StartAsync(token: "s3cret");
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };

        using var refused = await anonymous.GetAsync("api/v1/messages");
        using var wrong = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/messages") { Headers = { Authorization = new("Bearer", "guess") } });
        using var query = await anonymous.GetAsync("api/v1/messages?access_token=s3cret");
        using var probe = await anonymous.GetAsync("livez");
        using var page = await anonymous.GetAsync("/");
        using var view = await anonymous.GetAsync("view/x.html");
        using var openApi = await anonymous.GetAsync("openapi/v1.json");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the inbox page holds no mail; its API calls carry the token
        Assert.Equal(HttpStatusCode.Unauthorized, view.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, openApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(0, (await host.GetJsonAsync("api/v1/messages")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task TheHtmlViewIsServedUnderASandboxingContentSecurityPolicy()
    {
        await using var host = await ApiHost.StartAsync();
        var mail = ApiHost.Mail("app@example.com", "alice@example.com", "Scripted");
        mail.Body = new TextPart("html") { Text = "<p>Hi</p><script>alert(1)</script>" };
        var id = await host.SendMailAsync(mail);

        using var response = await host.Http.GetAsync($"view/{id}.html");

        var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("sandbox", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentApiCallsWhileClientsSendLoseNothing()
    {
        await using var host = await ApiHost.StartAsync();
        const int Senders = 4;
        const int PerSender = 10;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                var list = await host.GetJsonAsync("api/v1/messages?limit=1000");
                Assert.Equal(list.GetProperty("total").GetInt32(), list.GetProperty("messages").GetArrayLength());
                foreach (var m in list.GetProperty("messages").EnumerateArray())
                {
                    Assert.StartsWith("Concurrent ", m.GetProperty("Subject").GetString(), StringComparison.Ordinal);
                }

                await host.GetJsonAsync("api/v1/attempts");
                reads++;
            }

            return reads;
        })).ToArray();
        var waiter = host.GetJsonAsync($"api/v1/wait?count={Senders * PerSender}&timeout=120");

        await Task.WhenAll(Enumerable.Range(0, Senders).Select(s => Task.Run(async () =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync("127.0.0.1", host.Server.Port, MailKit.Security.SecureSocketOptions.None);
            for (var i = 0; i < PerSender; i++)
            {
                await client.SendAsync(ApiHost.Mail("app@example.com", $"user{s}@example.com", $"Concurrent {s}-{i}"));
            }

            await client.DisconnectAsync(true);
        })));
        var waited = await waiter;
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(Senders * PerSender, waited.GetProperty("count").GetInt32());
        var all = await host.GetJsonAsync("api/v1/messages?limit=1000");
        var subjects = all.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("Subject").GetString()).ToHashSet();
        Assert.Equal(Senders * PerSender, subjects.Count);
    }

    private static async Task<(string Name, JsonElement Data)> ReadEventAsync(StreamReader reader)
    {
        string? name = null;
        var data = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
            else if (line.Length == 0 && name is not null)
            {
                return (name, JsonDocument.Parse(data.ToString()).RootElement.Clone());
            }
        }

        throw new InvalidOperationException("The event stream ended.");
    }
}
