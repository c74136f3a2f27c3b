using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace NotificationService;

/// <summary>
/// The password-reset flow: <see cref="RequestAsync"/> mails a single-use link (and a six-digit code for the app),
/// <see cref="Redeem"/> is what the web endpoint behind the link does. Links expire after 30 minutes.
/// </summary>
public sealed class PasswordResets(NotificationSender sender, Uri site, TimeProvider timeProvider)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly ConcurrentDictionary<string, (string Email, string Code, DateTimeOffset Expires)> _pending = new(StringComparer.Ordinal);

    public PasswordResets(NotificationSender sender, Uri site)
        : this(sender, site, TimeProvider.System)
    {
    }

    /// <summary>Mails a reset link to <paramref name="email"/>.</summary>
    public async Task RequestAsync(string email, CancellationToken cancellationToken = default)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        _pending[token] = (email, code, timeProvider.GetUtcNow() + Lifetime);
        var link = new Uri(site, $"account/reset?token={token}&email={Uri.EscapeDataString(email)}");
        await sender.SendAsync(
            new Notification(email, "Reset your password", $"Reset your password: {link}\r\n\r\nIn the app, enter the code {code}.\r\nThe link expires in 30 minutes.\r\n")
            {
                HtmlBody = $"<p>Someone asked to reset the password of {WebUtility.HtmlEncode(email)}.</p>" +
                    $"<p><a href=\"{WebUtility.HtmlEncode(link.AbsoluteUri)}\">Reset your password</a></p>" +
                    $"<p>In the app, enter the code <b>{code}</b>.</p>",
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The web endpoint behind the link: the account the link resets, or null if it is unknown, used or expired.</summary>
    public string? Redeem(Uri link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var token = link.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "token" && p.Length == 2)?[1];
        return token is not null && _pending.TryRemove(token, out var reset) && reset.Expires > timeProvider.GetUtcNow() ? reset.Email : null;
    }
}
