// The generator's vocabulary as constant tables (UTF-8 source). Every entry is valid UTF-8 and
// free of '"', ',', '\t', ';', CR, LF and NUL unless its table says otherwise.
#include "lead_tables.h"

namespace mkbulk::gen::tables {
namespace {

constexpr name_entry FIRST_NAMES[] = {
    {"James", "james"},       {"Mary", "mary"},         {"José", "jose"},
    {"François", "francois"}, {"Zoë", "zoe"},           {"Łukasz", "lukasz"},
    {"Søren", "soren"},       {"Björn", "bjorn"},       {"Ana María", "anamaria"},
    {"Chloé", "chloe"},       {"Jürgen", "jurgen"},     {"Siobhán", "siobhan"},
    {"Иван", "ivan"},         {"Мария", "mariya"},      {"Дмитрий", "dmitry"},
    {"Γιώργος", "giorgos"},   {"Ελένη", "eleni"},       {"伟", "wei"},
    {"芳", "fang"},           {"太郎", "taro"},         {"さくら", "sakura"},
    {"민준", "minjun"},       {"محمد", "mohammed"},     {"فاطمة", "fatima"},
    {"יונתן", "yonatan"},     {"प्रिया", "priya"},       {"Nguyễn Thị", "nguyenthi"},
    {"Olumide", "olumide"},   {"Aroha", "aroha"},       {"Ayşe", "ayse"},
    {"Matthew", "matthew"},   {"Jennifer", "jennifer"}, {"Robert", "robert"},
    {"Linda", "linda"},       {"David", "david"},       {"Patricia", "patricia"},
};

constexpr name_entry LAST_NAMES[] = {
    {"Smith", "smith"},
    {"Johnson", "johnson"},
    {"Müller", "muller"},
    {"García", "garcia"},
    {"Dubois", "dubois"},
    {"Kowalczyk", "kowalczyk"},
    {"Ó Súilleabháin", "osullivan"},
    {"van der Berg", "vanderberg"},
    {"Núñez", "nunez"},
    {"Смирнов", "smirnov"},
    {"Кузнецова", "kuznetsova"},
    {"Παπαδόπουλος", "papadopoulos"},
    {"王", "wang"},
    {"李", "li"},
    {"山田", "yamada"},
    {"김", "kim"},
    {"الهاشمي", "alhashimi"},
    {"כהן", "cohen"},
    {"शर्मा", "sharma"},
    {"Nguyễn", "nguyen"},
    {"Adeyemi", "adeyemi"},
    {"Øvergård", "overgard"},
    {"Şahin", "sahin"},
    {"Brown", "brown"},
    {"Williams", "williams"},
    {"Jones", "jones"},
    {"Miller", "miller"},
    {"Davis", "davis"},
    {"Wilson", "wilson"},
    {"Taylor", "taylor"},
};

constexpr std::string_view COMPANY_STEMS[] = {
    "Acme",
    "Globex",
    "Initech",
    "Umbrella Holdings",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Vandelay Imports",
    "Müller Maschinenbau",
    "Société Générale de Test",
    "Ромашка",
    "株式会社サンプル",
    "北京示例科技",
    "Αθηνά Λογισμικό",
    "شركة المثال",
    "Blue Sky Data",
    "Northwind Traders",
    "Contoso",
    "Fabrikam",
    "Tailspin Toys",
    "Rocket Labs 🚀",
    "Green Leaf ☘",
    "Øresund Logistik",
    "Café Olé",
    "Smith & Sons",
};

constexpr std::string_view COMPANY_SUFFIXES[] = {"Inc.", "LLC", "Ltd",     "GmbH", "S.A.",
                                                 "AG",   "Co.", "Pty Ltd", "K.K.", "B.V."};

constexpr std::string_view JOB_TITLES[] = {
    "CEO",
    "CTO",
    "VP Marketing",
    "Marketing Manager",
    "Sales Director",
    "Account Executive",
    "Software Engineer",
    "Data Analyst",
    "Head of Growth",
    "Directeur Général",
    "Geschäftsführer",
    "Руководитель отдела",
    "营销经理",
    "Office Manager",
    "Procurement Lead",
    "Chief Happiness Officer",
};

constexpr std::string_view QUOTED_TITLES[] = {
    "The \"Best\" Co Ambassador",   "Chief \"Fun\" Officer", "\"Interim\" CFO",
    "Head of \"Special\" Projects", "VP \"Growth\" & Ops",
};

constexpr std::string_view STREET_NAMES[] = {
    "Main St",    "Oak Avenue",    "Rue de Rivoli", "Hauptstraße", "Calle Mayor", "Тверская улица",
    "Elm Street", "Market Street", "Sunset Blvd",   "King's Road", "Via Roma",    "Nørrebrogade",
};

constexpr place_entry PLACES[] = {
    {"Boston", "MA", "United States", "02999"},
    {"San Francisco", "CA", "United States", "94999"},
    {"New York", "NY", "USA", "10999"},
    {"Austin", "TX", "US", "78999"},
    {"Toronto", "ON", "Canada", "M9A 9A9"},
    {"London", "", "United Kingdom", "SW1A 9AA"},
    {"Paris", "Île-de-France", "France", "75099"},
    {"München", "Bayern", "Deutschland", "80999"},
    {"Москва", "", "Россия", "199999"},
    {"東京", "東京都", "日本", "100-9999"},
    {"São Paulo", "SP", "Brasil", "01999-999"},
    {"Αθήνα", "", "Ελλάδα", "105 99"},
    {"Abidjan", "", "Côte d'Ivoire", ""},
    {"Sydney", "NSW", "Australia", "2999"},
    {"القاهرة", "", "مصر", "11999"},
    {"Zürich", "ZH", "Schweiz", "8099"},
};

constexpr std::string_view LEAD_SOURCES[] = {
    "Website",     "Trade Show", "Webinar",          "Partner Referral",
    "Paid Search", "Cold Call",  "Content Download", "Social Media",
};

constexpr std::string_view EMAIL_DOMAINS[] = {
    "example.com", "example.org", "example.net", "mail.example.co.uk", "test.example.de",
};

constexpr std::string_view COMMENT_LINES[] = {
    "Met at the booth and asked for a demo.",
    "Prefers e-mail over phone.",
    "Budget approved for Q3 – follow up in two weeks.",
    "Ne pas appeler avant 10h.",
    "Bitte auf Deutsch antworten.",
    "Перезвонить после праздников.",
    "来月に再度連絡する。",
    "Interested in the enterprise tier (50+ seats).",
    "Downloaded the whitepaper twice",
    "Referred by an existing customer 👍",
};

constexpr std::string_view EMOJI[] = {"🚀", "✨", "👍", "🎉", "☕"};

constexpr std::string_view INVALID_UTF8[] = {
    "\xC3",          // a lone lead byte (then ASCII follows)
    "\xFF",          // never valid in UTF-8
    "\xC0\xAF",      // overlong '/'
    "\xE2\x82",      // a 3-byte sequence cut short
    "\xED\xA0\x80",  // an encoded UTF-16 surrogate
    "\x80",          // a lone continuation byte
};

}  // namespace

std::span<const name_entry> first_names() noexcept { return FIRST_NAMES; }
std::span<const name_entry> last_names() noexcept { return LAST_NAMES; }
std::span<const std::string_view> company_stems() noexcept { return COMPANY_STEMS; }
std::span<const std::string_view> company_suffixes() noexcept { return COMPANY_SUFFIXES; }
std::span<const std::string_view> job_titles() noexcept { return JOB_TITLES; }
std::span<const std::string_view> quoted_titles() noexcept { return QUOTED_TITLES; }
std::span<const std::string_view> street_names() noexcept { return STREET_NAMES; }
std::span<const place_entry> places() noexcept { return PLACES; }
std::span<const std::string_view> lead_sources() noexcept { return LEAD_SOURCES; }
std::span<const std::string_view> email_domains() noexcept { return EMAIL_DOMAINS; }
std::span<const std::string_view> comment_lines() noexcept { return COMMENT_LINES; }
std::span<const std::string_view> emoji() noexcept { return EMOJI; }
std::span<const std::string_view> invalid_utf8() noexcept { return INVALID_UTF8; }

}  // namespace mkbulk::gen::tables
