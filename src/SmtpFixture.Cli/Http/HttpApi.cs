using System.Net;
using SmtpFixture.Checks;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// The tool's HTTP side on Kestrel: Mailpit-compatible read endpoints, the fixture endpoints (wait, attempts,
/// policies, script, reset, events), the OpenAPI document and the web inbox. It only subscribes to the server's
/// events, so the SMTP path is the same whether it runs or not.
/// </summary>
internal sealed class HttpApi : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private readonly WebApplication _app;
    private readonly SmtpTestServer _server;
    private readonly EventStream _events;
    private readonly EventHandler<SmtpMessageReceivedEventArgs> _onMessage;
    private readonly EventHandler<SmtpCommandRefusedEventArgs> _onRefused;
    private readonly EventHandler<SmtpViolationEventArgs> _onViolation;

    private HttpApi(WebApplication app, SmtpTestServer server, Mailbox mailbox, EventStream events)
    {
        _app = app;
        _server = server;
        _events = events;
        _onMessage = (_, e) =>
        {
            mailbox.OnMessage();
            var message = e.Message;
            events.Publish(() => ("message", MessageFacts.Of(message).Summary(read: false)));
        };
        _onRefused = (_, e) => events.Publish(() => ("refused", RefusedDto.From(e)));
        server.MessageReceived += _onMessage;
        _onViolation = (_, e) => events.Publish(() => ("violation", ViolationDto.From(e.Violation)));
        server.CommandRefused += _onRefused;
        server.ViolationRecorded += _onViolation;
    }

    /// <summary>The port the API listens on (the one the operating system chose for port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Starts the API on <paramref name="address"/>:<paramref name="port"/>.</summary>
    /// <remarks><paramref name="token"/>: the bearer token every request but the health probes must carry, or <see langword="null"/> for none.</remarks>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    public static async Task<HttpApi> StartAsync(SmtpTestServer server, PolicySwitchboard policies, IPAddress address, int port, string? token, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "smtp-fixture",
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });

        // Standard output carries the tool's own lines (JSON with --json): ASP.NET Core must not write to it, and
        // signals are the tool's to handle, not the host's.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, port);
        });
        builder.Services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "smtp-fixture";
            document.Info.Description = "Mailpit-compatible read API, plus wait, attempts, policies, script, reset and events.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        var json = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var mailbox = new Mailbox(server);
        var events = new EventStream(json);
        var api = new HttpApi(app, server, mailbox, events);
        try
        {
            app.Use(async (context, next) =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (token is not null && !IsPublic(context.Request.Path) && !Authorized(context.Request, token))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    headers.WWWAuthenticate = "Bearer realm=\"smtp-fixture\"";
                    await context.Response.WriteAsync("This server needs the --http-token: send 'Authorization: Bearer TOKEN' (or ?access_token=TOKEN in a browser).\n").ConfigureAwait(false);
                    return;
                }

                try
                {
                    await next(context).ConfigureAwait(false);
                }
                catch (BadRequestException ex) when (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync(ex.Message + "\n").ConfigureAwait(false);
                }
            });

            app.MapOpenApi();
            MailpitEndpoints.Map(app, mailbox, events);
            FixtureEndpoints.Map(app, server, mailbox, policies, events, app.Lifetime.ApplicationStopping);
            WebInbox.Map(app, mailbox);

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            api.Port = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
            return api;
        }
        catch
        {
            await api.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The serializer settings of every JSON response and event: enums as camelCase strings.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    /// <summary>Ends open event streams and long polls, stops Kestrel, and unsubscribes from the server.</summary>
    public async ValueTask DisposeAsync()
    {
        _server.MessageReceived -= _onMessage;
        _server.CommandRefused -= _onRefused;
        _server.ViolationRecorded -= _onViolation;
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Requests still running after the timeout are aborted by disposal below.
            }
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// What needs no token: the health probes, and the inbox's own page, script and style, which hold no mail (the
    /// browser loads them without the query string; the page then sends the token with every API call).
    /// </summary>
    private static bool IsPublic(PathString path) => WebInbox.IsPageFile(path) || path == "/livez" || path == "/readyz";

    /// <summary>
    /// A bearer token in the Authorization header, or <c>access_token</c> in the query string for what a browser
    /// cannot add headers to (EventSource, iframes, downloads), compared in constant time.
    /// </summary>
    private static bool Authorized(HttpRequest request, string token)
    {
        string? presented = null;
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header["Bearer ".Length..].Trim();
        }
        else if (request.Query.TryGetValue("access_token", out var query))
        {
            presented = query.ToString();
        }

        return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(token));
    }

    /// <summary>A host lifetime that leaves Ctrl-C and SIGTERM to the tool, which stops the API and the server itself.</summary>
    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
