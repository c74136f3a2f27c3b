using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit.Net.Smtp;
using MimeKit;
using SmtpFixture.Cli.Http;

namespace SmtpFixture.Cli.Tests;

/// <summary>
/// The tool's SMTP server and HTTP API in this process, each on a free loopback port (WebApplicationFactory-style,
/// but over real sockets so that long polls and event streams behave as they do for other languages).
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private ApiHost(SmtpTestServer server, HttpApi api, PolicySwitchboard policies, string? token)
    {
        Server = server;
        Api = api;
        Policies = policies;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api.Port}/"), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    public SmtpTestServer Server { get; }

    public HttpApi Api { get; }

    public PolicySwitchboard Policies { get; }

    public HttpClient Http { get; }

    public Uri BaseAddress => Http.BaseAddress!;

    public static async Task<ApiHost> StartAsync(string? token = null)
    {
        var options = new SmtpTestServerOptions { Address = IPAddress.Loopback, Port = 0 };
        var policies = new PolicySwitchboard(options.Policies);
        var server = await SmtpTestServer.StartAsync(options);
        var api = await HttpApi.StartAsync(server, policies, IPAddress.Loopback, 0, token, CancellationToken.None);
        return new ApiHost(server, api, policies, token);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends a message with MailKit and returns the ID the server gave it.</summary>
    public async Task<string> SendMailAsync(MimeMessage message, params string[] envelopeRecipients)
    {
        var before = Server.Messages.Count;
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", Server.Port, MailKit.Security.SecureSocketOptions.None);
        if (envelopeRecipients.Length > 0)
        {
            await client.SendAsync(message, message.From.Mailboxes.First(), envelopeRecipients.Select(r => MailboxAddress.Parse(r)));
        }
        else
        {
            await client.SendAsync(message);
        }

        await client.DisconnectAsync(true);
        return Server.Messages[before].Id;
    }

    public Task<string> SendMailAsync(string to, string subject, string text = "Hello.", string from = "app@example.com") =>
        SendMailAsync(Mail(from, to, subject, text));

    public static MimeMessage Mail(string from, string to, string subject, string text = "Hello.")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        await Server.DisposeAsync();
    }
}
