using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// What no Mailpit-like server offers, for tests that drive the tool from another process: a long-polling wait, every
/// attempt with its transcript, policies and scripted replies switched at run time, reset, and a live event stream.
/// </summary>
internal static class FixtureEndpoints
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    public static void Map(IEndpointRouteBuilder app, SmtpTestServer server, Mailbox mailbox, PolicySwitchboard policies, EventStream events, CancellationToken stopping)
    {
        var api = app.MapGroup("/api/v1").WithTags("Fixture");

        api.MapGet("/wait", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var query = MailpitEndpoints.Query(request, required: false);
            var count = request.Query["count"].ToString() is { Length: > 0 } c
                ? int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : throw new BadRequestException($"count: '{c}' is not a whole number of 1 or more.")
                : 1;
            var timeout = request.Query["timeout"].ToString() is { Length: > 0 } t
                ? Timeout(t)
                : DefaultWait;
            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
            IReadOnlyList<ReceivedMessage>? found;
            try
            {
                found = await mailbox.WaitAsync(query, count, timeout, aborted.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return Results.Text("The wait was cancelled: the server is stopping.\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            if (found is null)
            {
                return Results.Text(TimeoutText(server, mailbox, query, count, timeout), "text/plain; charset=utf-8", statusCode: StatusCodes.Status408RequestTimeout);
            }

            return Results.Json(MailpitEndpoints.Page(mailbox, found, 0, found.Count));
        }).WithSummary("Long poll: answers as soon as count messages match query (those already there count too), or 408 after timeout with what did arrive and what was refused.")
          .Produces<MailpitMessagesSummary>().Produces<string>(400, "text/plain").Produces<string>(408, "text/plain");

        api.MapGet("/attempts", () => Results.Json(server.Attempts.Select(AttemptDto.From).ToList()))
          .WithSummary("Every transaction, accepted, refused and aborted, and each command refused outside one, with every command and reply.")
          .Produces<List<AttemptDto>>();

        api.MapGet("/policies", () => Results.Json(policies.Current))
          .WithSummary("The policies switched on.").Produces<PolicySettings>();

        api.MapPut("/policies", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonInput.ReadBodyAsync(request, cancellationToken).ConfigureAwait(false)
                ?? throw new BadRequestException("The body is empty: send the policies to change, e.g. {\"greylisting\": {\"delay\": \"0s\"}}.");
            return Results.Json(policies.Apply(body));
        }).WithSummary("Switches policies on or off; absent fields stay as they are, null or false switches one off.")
          .DocumentsBody<PolicySettings>().Produces<PolicySettings>().Produces<string>(400, "text/plain");

        api.MapDelete("/policies", () =>
        {
            policies.Clear();
            return Results.Json(policies.Current);
        }).WithSummary("Switches every policy off.").Produces<PolicySettings>();

        api.MapGet("/script", () => Results.Json(server.Script.Steps.Select(ScriptRequest.Describe).ToList()))
          .WithSummary("The scripted steps, with how often each was used.").Produces<List<ScriptStepDto>>();

        api.MapPost("/script", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonInput.ReadBodyAsync(request, cancellationToken).ConfigureAwait(false)
                ?? throw new BadRequestException("The body is empty: send {\"steps\": [ ... ]}.");
            ScriptRequest.AddTo(server.Script, body);
            return Results.Json(server.Script.Steps.Select(ScriptRequest.Describe).ToList());
        }).WithSummary("Adds scripted steps: stage, address or number, times, and one of reply, drop, delay.")
          .DocumentsBody<ScriptRequestBody>().Produces<List<ScriptStepDto>>().Produces<string>(400, "text/plain");

        api.MapDelete("/script", () =>
        {
            server.Script.Clear();
            return Results.Json(new List<ScriptStepDto>());
        }).WithSummary("Removes every scripted step.").Produces<List<ScriptStepDto>>();

        api.MapPost("/reset", () =>
        {
            mailbox.Reset();
            events.Publish(() => ("reset", new { }));
            return Results.Text("ok", "text/plain");
        }).WithSummary("Forgets every message and attempt, removes the script and resets the policies' state (greylisting, rate limits); switched policies stay on.")
          .Produces<string>(200, "text/plain");

        api.MapGet("/events", (HttpContext context, CancellationToken _) => events.StreamAsync(context, stopping))
          .WithSummary("Server-Sent Events: 'message' (a message summary), 'refused' (a refused command), 'deleted' and 'reset'.")
          .Produces<string>(200, "text/event-stream");
    }

    /// <summary>A wait's timeout: a number of seconds or a duration such as <c>30s</c>, at most <see cref="MaxWait"/>.</summary>
    private static TimeSpan Timeout(string text)
    {
        TimeSpan? timeout = double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? seconds <= MaxWait.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null
            : ValueParsers.TryParseDuration(text, out var duration) ? duration : null;
        return timeout is { } t && t <= MaxWait
            ? t
            : throw new BadRequestException($"timeout: '{text}' is not a duration such as 30s, 500ms or a number of seconds, up to {JsonInput.Format(MaxWait)}.");
    }

    /// <summary>The text <c>WaitForMessageAsync</c> fails with: what arrived, what was refused, which script steps were never used.</summary>
    private static string TimeoutText(SmtpTestServer server, Mailbox mailbox, MessageQuery query, int count, TimeSpan timeout)
    {
        var what = (count == 1 ? "a message" : $"{count} messages") + (query.Text.Length == 0 ? string.Empty : $" matching \"{query.Text}\"");
        var matching = query.Text.Length == 0 ? mailbox.Messages.Count : mailbox.Search(query).Count;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what} ({matching} matching). ")
            .Append(server.Describe());
        var unused = server.Script.Steps.Where(s => !s.IsUsedUp && s.Uses == 0).ToList();
        if (unused.Count > 0)
        {
            text.AppendLine().Append("Script steps never used:");
            foreach (var step in unused)
            {
                text.AppendLine().Append("  ").Append(step.Description);
            }
        }

        return text.AppendLine().ToString();
    }
}

/// <summary>The body of <c>POST /api/v1/script</c>, for the OpenAPI document (the endpoint reads it by hand for precise errors).</summary>
internal sealed record ScriptRequestBody(
    [property: System.Text.Json.Serialization.JsonPropertyName("steps")] IReadOnlyList<ScriptStepRequest> Steps);

/// <summary>One step of <see cref="ScriptRequestBody"/>.</summary>
internal sealed record ScriptStepRequest(
    [property: System.Text.Json.Serialization.JsonPropertyName("stage")] string Stage,
    [property: System.Text.Json.Serialization.JsonPropertyName("address")] string? Address,
    [property: System.Text.Json.Serialization.JsonPropertyName("number")] int? Number,
    [property: System.Text.Json.Serialization.JsonPropertyName("times")] JsonElement? Times,
    [property: System.Text.Json.Serialization.JsonPropertyName("reply")] string? Reply,
    [property: System.Text.Json.Serialization.JsonPropertyName("close")] bool? Close,
    [property: System.Text.Json.Serialization.JsonPropertyName("drop")] bool? Drop,
    [property: System.Text.Json.Serialization.JsonPropertyName("delay")] string? Delay);
