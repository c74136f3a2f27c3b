using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace SmtpFixture.Cli.Http;

/// <summary>
/// The web inbox: three static files compiled into the tool (no front-end build step), and the HTML body of a message
/// served under a CSP sandbox so that mail content is shown but can never run script or fetch anything.
/// </summary>
internal static class WebInbox
{
    /// <summary>The page itself: only its own script and style, frames only from this origin, no inline script.</summary>
    private const string PagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// A message's HTML: sandboxed (no script, no same-origin access, no forms), inline styles and data: images only,
    /// so opening a mail can neither run its script nor tell a tracker it was read.
    /// </summary>
    private const string MailPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "wwwroot/index.html", "text/html; charset=utf-8"),
        ("/app.js", "wwwroot/app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "wwwroot/app.css", "text/css; charset=utf-8"),
    ];

    public static bool IsPageFile(PathString path) => Files.Any(f => path == f.Path);

    public static void Map(IEndpointRouteBuilder app, Mailbox mailbox)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Load(resource);
            app.MapGet(path, (HttpContext context) =>
            {
                context.Response.Headers[HeaderNames.ContentSecurityPolicy] = PagePolicy;
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType);
            }).ExcludeFromDescription();
        }

        app.MapGet("/view/{id}.html", (string id, HttpContext context) =>
        {
            if (mailbox.Find(id) is not { } message)
            {
                return MailpitEndpoints.NotFound(id);
            }

            context.Response.Headers[HeaderNames.ContentSecurityPolicy] = MailPolicy;
            var html = MessageFacts.Of(message).Html;
            return Results.Text(html.Length > 0 ? html : "<p><em>This message has no HTML part.</em></p>", "text/html; charset=utf-8");
        }).WithTags("Web inbox").WithSummary("The message's HTML part under a sandboxing Content-Security-Policy, as Mailpit's /view/{ID}.html.");
    }

    private static byte[] Load(string resource)
    {
        using var stream = typeof(WebInbox).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The web inbox file {resource} is not embedded in the tool.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
