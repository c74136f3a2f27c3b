using Microsoft.Playwright;
using MimeKit;

namespace SmtpFixture.Cli.Tests;

/// <summary>
/// The web inbox in a real browser: Playwright driving Debian's Chromium (installed by .ci/run; Playwright cannot
/// download its own browsers here). Without the browser these tests are skipped locally and fail under CI=true.
/// </summary>
public sealed class WebInboxBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task AMessageAppearsWithoutReloadAndOpensWithItsEnvelopeAndAttachments()
    {
        await using var host = await ApiHost.StartAsync();
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        await page.GotoAsync(host.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#live-text")).ToHaveTextAsync("live");
        await host.SendMailAsync("alice@example.com", "Before the welcome", "An older message.");

        var builder = new BodyBuilder { TextBody = "Welcome, Alice!", HtmlBody = "<h1>Welcome, Alice!</h1><p>Thanks for signing up.</p>" };
        builder.Attachments.Add("terms.txt", "Be nice."u8.ToArray(), new ContentType("text", "plain"));
        var mail = ApiHost.Mail("Example App <app@example.com>", "alice@example.com", "Welcome to Example");
        mail.Body = builder.ToMessageBody();
        await host.SendMailAsync(mail, "alice@example.com", "audit@example.com");

        var item = page.Locator(".message", new() { HasText = "Welcome to Example" });
        await Assertions.Expect(item).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".message")).ToHaveCountAsync(2);
        await item.ClickAsync();

        var view = page.Locator("#message-view");
        await Assertions.Expect(view.Locator("h1")).ToHaveTextAsync("Welcome to Example");
        await Assertions.Expect(view.Locator(".meta")).ToContainTextAsync("<audit@example.com>");
        await Assertions.Expect(page.FrameLocator("#message-view iframe").Locator("h1")).ToHaveTextAsync("Welcome, Alice!");
        await browser.ScreenshotAsync("inbox-message");

        var download = await page.RunAndWaitForDownloadAsync(() => view.Locator(".attachment").ClickAsync());
        Assert.Equal("terms.txt", download.SuggestedFilename);
        Assert.Equal("Be nice.", await File.ReadAllTextAsync(await download.PathAsync()));

        await view.Locator(".view-tabs button[data-view=raw]").ClickAsync();
        await Assertions.Expect(view.Locator("pre.raw")).ToContainTextAsync("Subject: Welcome to Example");
    }

    [SkippableFact]
    public async Task AScriptInAnHtmlMailDoesNotRun()
    {
        await using var host = await ApiHost.StartAsync();
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        var mail = ApiHost.Mail("attacker@example.com", "alice@example.com", "Totally harmless");
        mail.Body = new TextPart("html")
        {
            Text = "<p id=\"target\">untouched</p>" +
                "<script>document.getElementById('target').textContent = 'script ran'; try { parent.document.title = 'pwned'; } catch (e) {} fetch('/api/v1/reset', { method: 'POST' });</script>" +
                "<img src=\"x\" onerror=\"document.getElementById('target').textContent = 'handler ran'\">",
        };
        var id = await host.SendMailAsync(mail);
        await page.GotoAsync(host.BaseAddress.ToString());

        await page.Locator(".message", new() { HasText = "Totally harmless" }).ClickAsync();
        var frame = page.FrameLocator("#message-view iframe");
        await Assertions.Expect(frame.Locator("#target")).ToBeVisibleAsync();

        // Wait for the frame's load event: its scripts and the image's error handler would have run by then.
        var content = await (await page.Locator("#message-view iframe").ElementHandleAsync()).ContentFrameAsync();
        await content!.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal("untouched", await frame.Locator("#target").TextContentAsync());
        Assert.Equal("smtp-fixture", await page.TitleAsync());
        Assert.Equal("", await page.Locator("#message-view iframe").GetAttributeAsync("sandbox"));
        Assert.Contains(host.Server.Messages, m => m.Id == id);
    }

    [SkippableFact]
    public async Task WithATokenThePageTakesItFromItsAddressForEveryRequestAndTheEventStream()
    {
        await using var host = await ApiHost.StartAsync(token: "s3cret");
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        await page.GotoAsync(host.BaseAddress + "?access_token=s3cret");
        await Assertions.Expect(page.Locator("#live-text")).ToHaveTextAsync("live");

        var mail = ApiHost.Mail("app@example.com", "alice@example.com", "Behind a token");
        mail.Body = new TextPart("html") { Text = "<p id=\"body\">HTML behind a token</p>" };
        await host.SendMailAsync(mail);
        await page.Locator(".message", new() { HasText = "Behind a token" }).ClickAsync();

        await Assertions.Expect(page.FrameLocator("#message-view iframe").Locator("#body")).ToHaveTextAsync("HTML behind a token");
    }

    [SkippableFact]
    public async Task TheAttemptsTimelineShowsRefusalsWithTheirTranscript()
    {
        await using var host = await ApiHost.StartAsync();
        host.Policies.KnownRecipients(["alice@example.com"]);
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        await page.GotoAsync(host.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#live-text")).ToHaveTextAsync("live");

        await host.SendMailAsync("alice@example.com", "Accepted");
        await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => host.SendMailAsync("mallory@example.com", "Refused"));
        await Assertions.Expect(page.Locator("#refused-count")).ToHaveTextAsync("1");
        await page.Locator("#tab-attempts").ClickAsync();

        var refused = page.Locator(".attempt", new() { HasText = "mallory@example.com" });
        await Assertions.Expect(refused).ToHaveCountAsync(1);
        await Assertions.Expect(refused.Locator(".why")).ToContainTextAsync("550 5.1.1");
        await Assertions.Expect(refused.Locator(".transcript")).ToContainTextAsync("C: RCPT TO:<mallory@example.com>");
        await Assertions.Expect(refused.Locator(".transcript")).ToContainTextAsync("KnownRecipients");
        await Assertions.Expect(page.Locator(".attempt.accepted", new() { HasText = "alice@example.com" })).ToHaveCountAsync(1);
        await browser.ScreenshotAsync("attempts");
    }

    /// <summary>One headless Chromium with one page; screenshots go to $SMTP_FIXTURE_SCREENSHOTS when set.</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;

        private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page)
        {
            _playwright = playwright;
            _browser = browser;
            Page = page;
        }

        public IPage Page { get; }

        public static async Task<BrowserSession> StartAsync()
        {
            var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
            if (!File.Exists(Chromium))
            {
                Assert.False(ci, $"{Chromium} is missing: .ci/run installs Debian's chromium package.");
                Skip.If(true, $"{Chromium} is not installed (apt-get install chromium).");
            }

            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, AcceptDownloads = true });
            page.SetDefaultTimeout(30_000);
            Assertions.SetDefaultExpectTimeout(30_000);
            return new BrowserSession(playwright, browser, page);
        }

        public async Task ScreenshotAsync(string name)
        {
            if (Environment.GetEnvironmentVariable("SMTP_FIXTURE_SCREENSHOTS") is { Length: > 0 } dir)
            {
                Directory.CreateDirectory(dir);
                await Page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png") });
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}
