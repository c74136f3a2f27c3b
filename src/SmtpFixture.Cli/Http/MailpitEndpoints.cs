using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// The endpoints that overlap with Mailpit's v1 API, with its paths, parameters and JSON names, so that Mailpit
/// clients work unchanged. Differences (400 for malformed numbers and JSON where Mailpit falls back, no PUT of read
/// status, no tags API) are listed in the README.
/// </summary>
internal static class MailpitEndpoints
{
    /// <summary>Served with message content (raw source, parts): mail is data, never a page that runs in our origin.</summary>
    public const string ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    public static void Map(IEndpointRouteBuilder app, Mailbox mailbox, EventStream events)
    {
        var api = app.MapGroup("/api/v1").WithTags("Mailpit-compatible");

        api.MapGet("/messages", (HttpRequest request) =>
        {
            var (start, limit) = StartAndLimit(request);
            return Results.Json(Page(mailbox, mailbox.Messages, start, limit));
        }).WithSummary("List messages, newest first (start, limit; default 0, 50).")
          .Produces<MailpitMessagesSummary>().Produces<string>(400, "text/plain");

        api.MapGet("/search", (HttpRequest request) =>
        {
            var query = Query(request, required: true);
            var (start, limit) = StartAndLimit(request);
            return Results.Json(Page(mailbox, mailbox.Search(query), start, limit));
        }).WithSummary("Search messages: from:, to:, cc:, subject:, tag:, message-id:, is:, has:, free text; -term excludes.")
          .Produces<MailpitMessagesSummary>().Produces<string>(400, "text/plain");

        api.MapDelete("/messages", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonInput.ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> ids = [];
            if (body is { } b)
            {
                JsonInput.Object(b, "body", "IDs");
                if (JsonInput.Field(b, "IDs") is { ValueKind: not JsonValueKind.Null } array)
                {
                    ids = array.ValueKind == JsonValueKind.Array
                        ? [.. array.EnumerateArray().Select((e, i) => JsonInput.String(e, $"IDs[{i}]"))]
                        : throw new BadRequestException("IDs: expected an array of message IDs.");
                }
            }

            Delete(mailbox, events, ids.Count == 0 ? mailbox.Messages.Select(m => m.Id) : ids);
            return Results.Text("ok", "text/plain");
        }).WithSummary("Delete the messages whose IDs are in the body ({\"IDs\": [...]}), or every message without IDs.")
          .DocumentsBody<MailpitDeleteRequest>().Produces<string>(200, "text/plain").Produces<string>(400, "text/plain");

        api.MapDelete("/search", (HttpRequest request) =>
        {
            var query = Query(request, required: true);
            Delete(mailbox, events, mailbox.Search(query).Select(m => m.Id));
            return Results.Text("ok", "text/plain");
        }).WithSummary("Delete every message that matches the search query.")
          .Produces<string>(200, "text/plain").Produces<string>(400, "text/plain");

        api.MapGet("/message/{id}", (string id) =>
        {
            if (mailbox.Find(id) is not { } message)
            {
                return NotFound(id);
            }

            mailbox.MarkRead(message);
            return Results.Json(MessageFacts.Of(message).Details());
        }).WithSummary("A message with its bodies, attachments and envelope; 'latest' is the newest. Marks it read.")
          .Produces<MailpitMessage>().Produces<string>(404, "text/plain");

        api.MapGet("/message/{id}/headers", (string id) =>
            mailbox.Find(id) is { } message ? Results.Json(MessageFacts.Of(message).Headers) : NotFound(id))
          .WithSummary("The message's headers, each name with its values.")
          .Produces<Dictionary<string, List<string>>>().Produces<string>(404, "text/plain");

        api.MapGet("/message/{id}/raw", (string id, HttpContext context) =>
        {
            if (mailbox.Find(id) is not { } message)
            {
                return NotFound(id);
            }

            context.Response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            if (context.Request.Query.ContainsKey("dl"))
            {
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"{message.Id}.eml\"";
            }

            return Results.Bytes(message.RawData, "text/plain; charset=utf-8");
        }).WithSummary("The message exactly as received (after dot-unstuffing); ?dl=1 downloads it as .eml.")
          .Produces<string>(200, "text/plain").Produces<string>(404, "text/plain");

        api.MapGet("/message/{id}/part/{partId}", (string id, string partId, HttpContext context) =>
        {
            if (mailbox.Find(id) is not { } message)
            {
                return NotFound(id);
            }

            if (MessageFacts.Of(message).Part(partId) is not { } part)
            {
                return Results.Text($"Message {id} has no part '{partId}'.\n", "text/plain", statusCode: 404);
            }

            context.Response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            var disposition = new ContentDispositionHeaderValue(context.Request.Query.ContainsKey("dl") ? "attachment" : "inline");
            if (part.FileName.Length > 0)
            {
                disposition.SetHttpFileName(part.FileName);
            }

            context.Response.Headers.ContentDisposition = disposition.ToString();
            return Results.Bytes(part.Content, part.ContentType);
        }).WithSummary("One attachment or inline part, decoded, by the PartID the message lists.")
          .Produces<byte[]>(200, "application/octet-stream").Produces<string>(404, "text/plain");

        app.MapGet("/livez", () => Results.Ok()).WithTags("Health").WithSummary("Liveness: 200 while the process runs.");
        app.MapGet("/readyz", () => Results.Ok()).WithTags("Health").WithSummary("Readiness: 200 once the SMTP server and the API listen.");
    }

    public static IResult NotFound(string id) => Results.Text($"No message with ID '{id}'.\n", "text/plain", statusCode: 404);

    /// <summary>The query parameter, parsed; <paramref name="required"/> makes an empty one a 400, as in Mailpit.</summary>
    public static MessageQuery Query(HttpRequest request, bool required)
    {
        var text = request.Query["query"].ToString().Trim();
        if (text.Length == 0)
        {
            return required ? throw new BadRequestException("Error: no search query") : MessageQuery.All;
        }

        return MessageQuery.TryParse(text, out var query, out var error) ? query : throw new BadRequestException(error);
    }

    public static MailpitMessagesSummary Page(Mailbox mailbox, IReadOnlyList<ReceivedMessage> matching, int start, int limit)
    {
        var all = mailbox.Messages;
        var unread = all.Count(m => !mailbox.IsRead(m));
        var page = matching.Skip(start).Take(limit).Select(m => MessageFacts.Of(m).Summary(mailbox.IsRead(m))).ToList();
        var tags = all.SelectMany(m => MessageFacts.Of(m).Tags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new MailpitMessagesSummary(
            all.Count, unread, page.Count, matching.Count, matching.Count(m => !mailbox.IsRead(m)), start, tags, page);
    }

    private static void Delete(Mailbox mailbox, EventStream events, IEnumerable<string> ids)
    {
        var list = ids.ToList();
        mailbox.Delete(list);
        events.Publish(() => ("deleted", new { ids = list }));
    }

    private static (int Start, int Limit) StartAndLimit(HttpRequest request) =>
        (Number(request, "start", 0), Number(request, "limit", 50));

    private static int Number(HttpRequest request, string name, int fallback)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new BadRequestException($"{name}: '{text}' is not a whole number of 0 or more.");
    }
}
