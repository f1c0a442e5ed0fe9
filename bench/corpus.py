"""A seeded, deterministic generator of news-like articles to hide the seeds among.

Each article is a headline line, a blank line, and paragraphs of sentences
filled from templates: a topic (general news, or a look-alike of the seeds:
North Korea, Russia, Putin, summits, trains, drones, gifts to leaders,
Vladivostok), random people, places, organisations and fresh numbers. Article
`i` depends only on `(seed, i)`, so `generate(n, seed)` is a prefix of any
longer run with the same seed, and the same seed always gives the same text.

`write_corpus(folder, n, seed)` writes the articles as `bench_NNNNN.txt` files
plus a manifest, and reuses a folder whose manifest matches. Bump
`GENERATOR_VERSION` whenever the output changes, so cached indexes are rebuilt.

It does not ingest or query anything.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULT_SEED = 20230917
DISTRACTOR_SHARE = 0.3  # articles drawn from the look-alike topics
OWN_DROP_MAX = 2  # an article leaves out up to this many of its topic's sentences
BORROWED_SENTENCES = (3, 6)  # sentences from a second topic of the same family (look-alike or general)
GENERIC_SENTENCES_PER_DOC = (3, 7)  # sentences from the topic-free pool
MAX_PARAGRAPH_SENTENCES = 3
DOC_PREFIX = "bench_"
MANIFEST = "manifest.json"

FIRST_NAMES = (
    "Anna Boris Carla Dmitri Elena Farid Grace Hiro Ines Jonas Keiko Liam Maria Nikolai Olga Pavel "
    "Quentin Rosa Sergei Tomas Ulla Viktor Wen Yasmin Zoltan Aiko Bruno Chloe Daniel Esra Felipe Greta "
    "Hassan Irina Jae Kofi Lena Marek Nadia Oscar Priya Rafael Sofia Tariq Uma Vera Walter Xenia Yuri Zara "
    "Min Ji-ho Seo-yeon Arjun Leila Mateo Noor Ivan Lucia Kenji Amara Dariusz Fatima Gustav Hana"
).split()
LAST_NAMES = (
    "Abramov Becker Castillo Dorsey Eriksen Fischer Gallo Haddad Ivanova Jensen Kowalski Lindqvist "
    "Moreau Nakamura Okafor Petrov Quinn Rahman Sato Tanaka Urban Volkov Weber Xu Yilmaz Zhang Alvarez "
    "Brandt Chen Dubois Evans Fedorov Garcia Horvat Ishikawa Juarez Kim Lee Morozov Novak Ortega Park "
    "Rossi Sokolov Tran Varga Wojcik Yamada Zielinski Choi Kang Yoon Orlov Pavlova Bauer Santos Mbeki"
).split()
CITIES = (
    "Lisbon Oslo Nairobi Seoul Busan Osaka Hamburg Lyon Porto Krakow Tbilisi Almaty Tashkent Hanoi Manila "
    "Jakarta Perth Auckland Toronto Calgary Denver Austin Monterrey Lima Quito Recife Accra Lagos Dakar "
    "Tunis Izmir Valencia Seville Gdansk Riga Tallinn Bergen Aarhus Ghent Utrecht Zagreb Varna Odesa "
    "Kazan Samara Irkutsk Khabarovsk Novosibirsk Yekaterinburg Harbin Dalian Sapporo Niigata Incheon"
).split()
COUNTRIES = (
    "Norway Kenya Brazil Peru Vietnam Indonesia Poland Portugal Georgia Kazakhstan Mongolia Laos Chile "
    "Ghana Senegal Turkey Spain Canada Mexico Japan Finland Estonia Croatia Bulgaria Egypt Morocco "
    "Malaysia Thailand Argentina Colombia"
).split()
ORG_KINDS = (
    "Logistics Holdings Energy Systems Foods Motors Pharmaceuticals Telecom Steel Shipping Airlines "
    "Robotics Insurance Textiles Mining Bank"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April May June July August September October November December".split()
COUNT_WORDS = "two three four five six seven eight nine ten eleven twelve".split()
RUSSIAN_OFFICIALS = (
    "Dmitry Peskov",
    "Sergei Lavrov",
    "Sergei Shoigu",
    "Oleg Kozhemyako",
    "Alexander Kozlov",
    "Andrei Rudenko",
    "Yuri Trutnev",
    "Denis Manturov",
)
NORTH_KOREAN_OFFICIALS = ("Choe Son Hui", "Ri Pyong Chol", "Pak Jong Chon", "Jo Chun Ryong", "Kim Yo Jong")
GIFTS = (
    "a hunting rifle",
    "a thoroughbred horse",
    "a vintage limousine",
    "a porcelain tea set",
    "a pair of hunting dogs",
    "a set of body armour",
    "a reconnaissance drone",
    "a ceremonial sword",
    "a fur hat and coat",
    "a model of a warship",
    "a rare icon",
    "an armoured jeep",
    "a case of vodka",
    "a tiger cub sculpture",
)
SUMMITS = (
    "the Eastern Economic Forum",
    "the BRICS summit",
    "the Shanghai Cooperation Organisation summit",
    "the G20 summit",
    "the ASEAN regional forum",
    "the Caspian summit",
    "the Central Asia summit",
)

# Topic name -> (headlines, sentences). Placeholders: {p1} {p2} {p3} people, {p1s} {p2s} their
# surnames, {city} {city2} {country} {country2} {org} {org2} {gift} {summit} {ru} {nk} fixed per
# article; {n} {num} {big} {pct} {money} {cw} {km} {weekday} {month} {year} {day} fresh each use.
GENERAL_TOPICS: dict[str, tuple[Sequence[str], Sequence[str]]] = {
    "markets": (
        ["Shares in {org} slide as {city} market closes lower", "{country} stocks rally on rate hopes"],
        [
            "Shares in {org} fell {pct} on {weekday} after the company cut its full-year forecast.",
            "The benchmark index in {city} closed {pct} lower, its weakest finish since {month}.",
            "Analyst {p2} said investors were worried about slowing demand in {country2}.",
            "Trading volumes were about {pct} above the monthly average, according to exchange data.",
            "{org2} gained {pct} after announcing a buyback worth {money}.",
            "Bond yields rose for {cw} straight sessions as traders priced in tighter policy.",
            "The currency weakened to its lowest level against the dollar in {n} months.",
        ],
    ),
    "central_bank": (
        [
            "Central bank of {country} holds rates at {pct}",
            "{country} raises interest rates to fight inflation",
        ],
        [
            "The central bank of {country} kept its key rate unchanged at {pct} on {weekday}.",
            "Governor {p1} said inflation was expected to ease to {pct} by the end of {year}.",
            "Consumer prices rose {pct} in {month} from a year earlier, driven by food and energy.",
            "Economists polled beforehand had expected a cut of {n} basis points.",
            "{p1s} told reporters that the board would act if wages kept rising faster than productivity.",
            "Mortgage lenders in {city} said demand for new loans had fallen by {pct}.",
        ],
    ),
    "election": (
        ["{p1} wins {city} mayoral race", "Polls open in {country} for snap parliamentary election"],
        [
            "{p1} won {pct} of the vote, according to preliminary results from the election commission.",
            "Turnout was {pct}, the highest for a local vote since {year}.",
            "Rival candidate {p2} conceded defeat late on {weekday} night.",
            "{p1s} promised to cut commuting times and build {num} affordable homes.",
            "Observers from {n} countries monitored the vote at {num} polling stations.",
            "The new council will be sworn in on {month} {day}.",
        ],
    ),
    "storm": (
        ["Storm cuts power to {big} homes in {city}", "Floods force evacuations across {country}"],
        [
            "Winds of up to {n} km/h brought down trees and power lines across {city}.",
            "About {big} households were without electricity on {weekday} morning, the utility said.",
            "Emergency services rescued {n} people stranded by rising water.",
            "Forecasters said up to {n} millimetres of rain could fall over the next {cw} days.",
            "Schools in {city2} were closed and rail services suspended.",
            "Mayor {p1} urged residents to avoid unnecessary travel.",
        ],
    ),
    "wildfire": (
        ["Wildfire near {city} burns {big} hectares", "Firefighters battle blaze in {country} hills"],
        [
            "The fire has burned more than {big} hectares of forest and scrub since {weekday}.",
            "About {num} firefighters and {n} aircraft were deployed, officials said.",
            "Residents of {cw} villages were ordered to leave their homes.",
            "Fire chief {p1} said shifting winds made the blaze hard to contain.",
            "Temperatures reached {n} degrees, well above the seasonal average.",
        ],
    ),
    "football": (
        ["{city} FC beat rivals {n}-{n} in derby", "Late goal sends {city} into cup final"],
        [
            "{p1} scored twice as {city} FC came from behind to win in front of {big} fans.",
            "The visitors from {city2} had taken the lead after {n} minutes.",
            "Coach {p2} said the result kept his side's title hopes alive.",
            "The club is now {cw} points clear at the top of the table with {n} games left.",
            "{p3} was sent off in the second half for a late tackle.",
            "Ticket prices for the final have been capped at {money}.",
        ],
    ),
    "tennis": (
        ["{p1} reaches {city} Open semi-final", "{p1} knocks out top seed in straight sets"],
        [
            "{p1} beat {p2} in {cw} sets to reach the semi-finals in {city}.",
            "The {n}-year-old served {n} aces and saved every break point.",
            "{p1s} will next face {p3}, who needed more than three hours to win on {weekday}.",
            "Prize money at the tournament has risen to {money} this year.",
            "Organisers said the centre court roof would be closed if rain returned.",
        ],
    ),
    "startup": (
        ["{org} raises {money} to expand into {country}", "{city} start-up {org} valued at {money}"],
        [
            "{org}, founded in {city} in {year}, raised {money} in a funding round led by {org2}.",
            "Chief executive {p1} said the money would pay for {num} new hires.",
            "The company says its software is used by {big} small businesses.",
            "It plans to open offices in {country} and {country2} next year.",
            "Revenue grew {pct} last year, although the company is not yet profitable.",
        ],
    ),
    "smartphone": (
        ["{org} unveils new phone with longer battery life", "{org} launches budget handset in {country}"],
        [
            "{org} unveiled its latest smartphone at an event in {city} on {weekday}.",
            "The handset will cost {money} and goes on sale on {month} {day}.",
            "Its battery lasts about {n} hours on a single charge, the company said.",
            "Product chief {p1} said the camera was designed for low-light photography.",
            "Analysts at {org2} expect the company to ship {big} units this year.",
        ],
    ),
    "hospital": (
        ["New hospital opens in {city}", "{city} hospital waiting lists reach record"],
        [
            "The hospital in {city} has {num} beds and cost {money} to build.",
            "Health minister {p1} said the building would cut waiting times by {pct}.",
            "More than {big} patients are on waiting lists in the region.",
            "Nurses' union leader {p2} said staff shortages remained the biggest problem.",
            "The emergency department will open in {month}.",
        ],
    ),
    "medical_research": (
        ["Researchers in {city} report progress on malaria vaccine", "Study links sleep to heart health"],
        [
            "Researchers at the University of {city} tested the vaccine on {big} volunteers.",
            "The trial showed protection of about {pct} after {cw} doses.",
            "Lead author {p1} said larger studies were needed before approval.",
            "The work was funded by a {money} grant from {org}.",
            "Results were published in a peer-reviewed journal on {weekday}.",
        ],
    ),
    "court": (
        ["Former {org} executive jailed for fraud", "Court in {city} clears {p1} of bribery"],
        [
            "A court in {city} sentenced {p1} to {cw} years in prison on {weekday}.",
            "Prosecutors said {money} had been moved through shell companies in {country}.",
            "Defence lawyer {p2} said his client would appeal.",
            "The trial lasted {n} weeks and heard from {n} witnesses.",
            "Judge {p3} said the scheme had harmed thousands of small investors.",
        ],
    ),
    "schools": (
        ["{city} to hire {num} teachers", "Exam results improve across {country}"],
        [
            "The city of {city} will hire {num} new teachers before the school year starts in {month}.",
            "Education minister {p1} said class sizes would fall to {n} pupils on average.",
            "Pass rates rose to {pct}, the highest in a decade.",
            "Teachers' representative {p2} welcomed the plan but said pay was still too low.",
            "The programme will cost {money} over {cw} years.",
        ],
    ),
    "energy": (
        ["{country} approves offshore wind farm", "{org} to build solar plant near {city}"],
        [
            "The wind farm off {city} will have {n} turbines and power {big} homes.",
            "Energy minister {p1} said the project would cut emissions by {pct}.",
            "Construction by {org} is due to start in {month} and take {cw} years.",
            "Fishing groups led by {p2} raised concerns about the effect on catches.",
            "Electricity prices in {country} have risen {pct} over the past year.",
        ],
    ),
    "harvest": (
        ["Drought hits {country} wheat harvest", "Record rice crop expected in {country}"],
        [
            "Farmers in {country} expect the wheat harvest to fall {pct} after months of drought.",
            "Agriculture official {p1} said {big} hectares had been affected.",
            "Grain prices in {city} rose to {money} a tonne.",
            "Farmer {p2} said his wells had run dry for the first time in {n} years.",
            "The government has promised {money} in emergency aid.",
        ],
    ),
    "housing": (
        ["House prices in {city} fall for {cw} months in a row", "{city} approves {num} new homes"],
        [
            "Average house prices in {city} fell {pct} in {month}, estate agents said.",
            "The council approved plans by {org} to build {num} homes on a former factory site.",
            "Housing campaigner {p1} said rents had risen faster than wages for {n} years.",
            "Mortgage approvals dropped to {big}, the lowest since {year}.",
            "Developer {p2} said construction costs had risen by {pct}.",
        ],
    ),
    "airline": (
        ["{org} adds flights from {city} to {city2}", "Strike grounds flights at {city} airport"],
        [
            "{org} will fly {cw} times a week between {city} and {city2} from {month}.",
            "About {num} flights were cancelled on {weekday} because of the strike.",
            "Chief executive {p1} said bookings were {pct} above last year.",
            "The airport handled {big} passengers last month.",
            "Union spokesperson {p2} said talks would resume next week.",
        ],
    ),
    "port": (
        ["{city} port handles record cargo", "Dock workers in {city} vote to strike"],
        [
            "The port of {city} handled {big} containers in {month}, a record.",
            "Port director {p1} said new cranes had cut waiting times by {pct}.",
            "Shipping line {org} plans to add a weekly service to {country}.",
            "Dock workers represented by {p2} are demanding a pay rise of {pct}.",
            "The harbour will be dredged to take ships of up to {big} tonnes.",
        ],
    ),
    "film": (
        ["{p1} film wins top prize at {city} festival", "{city} film festival opens with record entries"],
        [
            "The film by {p1} won the top prize at the {city} film festival on {weekday}.",
            "The jury, chaired by {p2}, praised its portrait of a family in {country}.",
            "The festival screened {num} films from {n} countries.",
            "Ticket sales reached {big}, organisers said.",
            "The director said the film was shot in {cw} weeks on a budget of {money}.",
        ],
    ),
    "concert": (
        ["{p1} plays sold-out show in {city}", "Music festival returns to {city}"],
        [
            "{p1} played to {big} fans at the stadium in {city} on {weekday}.",
            "The concert lasted more than {cw} hours and ended with fireworks.",
            "Promoter {org} said tickets sold out in {n} minutes.",
            "Local businesses expect to earn {money} from visitors.",
            "The tour continues in {city2} next week.",
        ],
    ),
    "space": (
        ["{country} launches weather satellite", "Rocket carrying {n} satellites lifts off"],
        [
            "The rocket lifted off from a launch site near {city} at {n}:{n} local time.",
            "It carried a weather satellite built by {org} for {money}.",
            "Mission director {p1} said the satellite had reached its planned orbit.",
            "It was launch number {n} from the site this year.",
            "The satellite will improve storm forecasts for {country} and {country2}.",
        ],
    ),
    "climate_talks": (
        ["Climate talks in {city} end without deal", "{n} countries sign methane pledge in {city}"],
        [
            "Negotiators from {n} countries met in {city} for {cw} days of talks.",
            "Envoy {p1} of {country} said rich nations had not offered enough finance.",
            "A draft text called for emissions cuts of {pct} by {year}.",
            "Campaigners led by {p2} staged a protest outside the venue.",
            "The next round of talks will be held in {city2} in {month}.",
        ],
    ),
    "transport_strike": (
        ["Rail strike halts trains across {country}", "{city} bus drivers walk out over pay"],
        [
            "Train drivers in {country} walked out on {weekday}, halting most passenger services.",
            "Union leader {p1} said members wanted a {pct} pay rise.",
            "Transport minister {p2} called the strike irresponsible.",
            "About {big} commuters were affected, the rail operator said.",
            "Freight trains carrying grain to {city} were also delayed.",
        ],
    ),
    "museum": (
        ["{city} museum opens new gallery", "Stolen painting returned to {city} museum"],
        [
            "The museum in {city} opened a gallery of {num} works on {weekday}.",
            "Curator {p1} said the collection had been stored for {n} years.",
            "The renovation, paid for by {org}, cost {money}.",
            "The museum expects {big} visitors in the first year.",
            "A painting stolen in {year} was returned by police in {country}.",
        ],
    ),
    "archaeology": (
        ["Archaeologists find Roman villa near {city}", "Ancient shipwreck found off {country}"],
        [
            "Archaeologists found the remains of a villa near {city} during road works.",
            "Team leader {p1} said the site was about {num} years old.",
            "Divers recovered {n} amphorae from the wreck.",
            "The finds will go on display in {city2} in {month}.",
            "Excavation will continue for another {cw} months.",
        ],
    ),
}

# Look-alikes of the seeds: the words and names the dev questions use, about other events.
DISTRACTOR_TOPICS: dict[str, tuple[Sequence[str], Sequence[str]]] = {
    "nk_missiles": (
        ["North Korea fires ballistic missile into sea", "Kim Jong Un oversees test of new rocket launcher"],
        [
            "North Korea fired a ballistic missile into the sea off its east coast on {weekday}, Seoul said.",
            "Kim Jong Un oversaw the test, the Korean Central News Agency reported.",
            "The missile flew about {km} kilometres before landing outside Japan's economic zone.",
            "South Korea's Joint Chiefs of Staff said they had increased surveillance.",
            "Kim was accompanied by {nk} and senior military officials, state media said.",
            "Japan's defence ministry said it was one of {cw} launches this year.",
            "UN Security Council resolutions ban North Korea from ballistic missile tests.",
            "Analysts in {city} said Pyongyang was testing a solid-fuel engine.",
            "KCNA said the test was a warning to the United States and its allies.",
        ],
    ),
    "nk_economy": (
        ["North Korea reopens border to trade", "Pyongyang factories step up production"],
        [
            "North Korea reopened a border crossing with China to freight trains on {weekday}.",
            "Trade through the crossing fell by {pct} during the pandemic, customs data show.",
            "Kim Jong Un visited a fertiliser factory in {nk_city} and called for higher output.",
            "State media said food production had risen {pct} this year.",
            "Experts say sanctions have cut North Korea's exports of coal and seafood.",
            "{nk} told a party meeting that living standards must improve.",
            "Air Koryo resumed flights between Pyongyang and {city} after {cw} years.",
        ],
    ),
    "putin_summit": (
        ["Putin meets {leader} at {summit}", "Putin and {leader} hold talks in {city}"],
        [
            "President Vladimir Putin met {leader}, the leader of {country}, at {summit} on {weekday}.",
            "Kremlin spokesperson Dmitry Peskov said the talks would be held one-on-one and then in "
            "an expanded format.",
            "The two leaders discussed trade, energy supplies and military cooperation.",
            "Putin accepted an invitation to visit {country} at a convenient time.",
            "{leader} said the relationship had entered a new era of friendship.",
            "The leaders signed {cw} agreements, including one on grain deliveries.",
            "Western governments have criticised {country} for deepening ties with Moscow.",
            "The meeting lasted about {cw} hours, Russian news agencies reported.",
        ],
    ),
    "russia_arms": (
        ["Russia seeks shells and drones for war in Ukraine", "Moscow signs arms deal with {country}"],
        [
            "Russia is seeking artillery shells and drones from abroad as the war in Ukraine continues.",
            "US officials said Moscow had approached {country} for ammunition.",
            "The Kremlin denied that any arms agreement had been signed.",
            "Russia's defence minister Sergei Shoigu visited a munitions factory in {ru_city}.",
            "Analysts say Russian stocks of ammunition have fallen sharply since {year}.",
            "Sanctions ban the export of weapons to Russia, the EU said.",
            "A shipment of {big} shells was reported crossing the border by rail.",
        ],
    ),
    "leader_train": (
        ["{leader} travels to {city} by train", "Armoured train carries {leader} across the border"],
        [
            "{leader} arrived in {city} on {weekday} aboard an armoured train, state media reported.",
            "The train crossed the border after a journey of about {km} kilometres.",
            "A welcome ceremony was held at the railway station, with a military band playing.",
            "{leader} waved to officials from the train before it departed.",
            "Railway officials said the {cw}-carriage train travelled at less than {n} km/h.",
            "The visit was {leader}'s first trip abroad in {cw} years.",
            "The train left {city} on {weekday} after a farewell ceremony on the platform.",
            "Security was tight along the line, with stations closed to the public.",
        ],
    ),
    "drones": (
        ["{org} unveils reconnaissance drone", "Drone attack hits fuel depot in {ru_city}"],
        [
            "{org} unveiled a reconnaissance drone with vertical takeoff at an arms fair in {city}.",
            "The company said its kamikaze drones could fly {km} kilometres.",
            "A drone attack set fire to a fuel depot in {ru_city}, the regional governor said.",
            "Air defences shot down {n} drones overnight, Russia's defence ministry said.",
            "Thermal cameras on the drones can see through smoke and darkness.",
            "The army ordered {big} drones from {org} for {money}.",
            "Engineer {p1} said the drones were built from commercial parts.",
        ],
    ),
    "leader_gifts": (
        ["{leader} receives {gift} from {giver}", "{leader} presented with {gift} during visit"],
        [
            "{leader} received {gift} as a gift from {giver}, state media reported.",
            "{giver} also presented the visiting delegation with {gift2}.",
            "The gifts were handed over at a ceremony in {city} on {weekday}.",
            "Putin has given foreign leaders cars, horses and rifles in the past.",
            "Officials did not say whether the gift would be kept by the state.",
            "The exchange of gifts was a symbol of friendship between the two countries, {ru} said.",
            "{leader} in return offered {gift2} and a painting.",
        ],
    ),
    "vladivostok": (
        ["Vladivostok hosts {summit}", "Russian Pacific Fleet holds drills near Vladivostok"],
        [
            "Vladivostok, Russia's largest Pacific port, hosted {summit} this week.",
            "Delegations from {n} countries visited Russky Island for the forum.",
            "The Pacific Fleet held drills with {cw} warships and a frigate off Vladivostok.",
            "Governor of Primorsky Krai Oleg Kozhemyako said investment deals worth {money} were signed.",
            "Visitors toured the port, a shipyard and the Far Eastern Federal University.",
            "The Vostochny cosmodrome in the Amur region hosted a rocket launch on {weekday}.",
            "Ferries between Vladivostok and {city} are to resume in {month}.",
            "An aircraft factory in Komsomolsk-on-Amur showed its new fighter jets to visitors.",
        ],
    ),
}

GENERIC_SENTENCES = (
    "Officials did not respond to requests for comment.",
    "{p2} said the decision had been expected for some time.",
    '"We will keep working to find a solution," {p1s} told reporters.',
    "The announcement came {cw} days after a similar move in {country2}.",
    "Critics said the plan lacked detail and would take years to deliver.",
    "The figures were published by the statistics office on {weekday}.",
    "Further details are expected to be announced in {month}.",
    "{p3}, a researcher in {city2}, said the numbers should be treated with caution.",
    "Local media reported that {num} people attended.",
    "The ministry said it had set aside {money} for the programme.",
    "It was not immediately clear how the plan would be financed.",
    "The government in {country} has faced pressure to act since {year}.",
    "A spokesperson for {org2} declined to comment.",
    "Similar measures were introduced in {city2} in {year}.",
    "Opposition politicians called for an inquiry.",
    "The story was first reported by a local newspaper.",
    "{p2s}, who has followed the issue for {n} years, said the change was overdue and that the "
    "details would matter more than the headline figure.",
    "A report by {org2} published in {month} estimated that the measures could cost {money} a year.",
    "Residents interviewed in {city} were divided, with some welcoming the news and others saying "
    "they had heard similar promises before.",
    "The debate is likely to continue when parliament returns after the summer recess.",
    "Data compiled by the regional authority showed a rise of {pct} over the previous {cw} years.",
    "Neighbouring {country2} is watching the outcome closely, according to diplomats.",
    "{p1s} is expected to give more details at a news conference later this week.",
    "The original plan, first proposed in {year}, was delayed twice because of funding disputes.",
    "Independent experts said the long-term effects were hard to predict.",
    "Earlier this year {org} announced a review of its operations in {country}.",
    "Some {num} people signed a petition calling for the decision to be reversed.",
    "The agency said it would publish an update on {weekday}.",
)

NK_CITIES = ("Pyongyang", "Wonsan", "Hamhung", "Chongjin", "Sinuiju", "Nampo", "Rason")
RU_CITIES = (
    "Vladivostok",
    "Khabarovsk",
    "Belgorod",
    "Kursk",
    "Rostov-on-Don",
    "Novosibirsk",
    "Artyom",
    "Ussuriysk",
    "Blagoveshchensk",
    "Nakhodka",
)
LEADER_PREFIXES = ("President", "Prime Minister", "King", "Chancellor")

SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class GeneratedDoc:
    """One generated article: `text` is the headline, a blank line and the body."""

    doc_id: str
    topic: str
    distractor: bool
    text: str

    @property
    def title(self) -> str:
        return self.text.split("\n", 1)[0]


class _Article:
    """The fixed cast of one article, and fresh numbers on demand."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        people = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(3)]
        cities = rng.sample(CITIES, 2)
        countries = rng.sample(COUNTRIES, 2)
        gifts = rng.sample(GIFTS, 2)
        leader = f"{rng.choice(LEADER_PREFIXES)} {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        giver = rng.choice(
            [
                "President Vladimir Putin",
                "Kim Jong Un",
                f"the governor of the {rng.choice(CITIES)} region",
                f"{rng.choice(RUSSIAN_OFFICIALS)}",
            ]
        )
        self.fixed = {
            "p1": people[0],
            "p2": people[1],
            "p3": people[2],
            "p1s": people[0].split()[-1],
            "p2s": people[1].split()[-1],
            "city": cities[0],
            "city2": cities[1],
            "country": countries[0],
            "country2": countries[1],
            "org": f"{rng.choice(LAST_NAMES)} {rng.choice(ORG_KINDS)}",
            "org2": f"{rng.choice(LAST_NAMES)} {rng.choice(ORG_KINDS)}",
            "gift": gifts[0],
            "gift2": gifts[1],
            "summit": rng.choice(SUMMITS),
            "leader": leader,
            "giver": giver,
            "ru": rng.choice(RUSSIAN_OFFICIALS),
            "nk": rng.choice(NORTH_KOREAN_OFFICIALS),
            "nk_city": rng.choice(NK_CITIES),
            "ru_city": rng.choice(RU_CITIES),
        }

    def fresh(self, slot: str) -> str:
        rng = self.rng
        if slot == "n":
            return str(rng.randint(2, 95))
        if slot == "num":
            return str(rng.randint(100, 990))
        if slot == "big":
            return f"{rng.randint(1_000, 250_000):,}"
        if slot == "pct":
            return f"{rng.randint(1, 40)}.{rng.randint(0, 9)}%"
        if slot == "money":
            unit = rng.choice(["million", "billion"])
            return f"${rng.randint(1, 900)}.{rng.randint(0, 9)} {unit}"
        if slot == "cw":
            return rng.choice(COUNT_WORDS)
        if slot == "km":
            return str(rng.randint(50, 1500))
        if slot == "weekday":
            return rng.choice(WEEKDAYS)
        if slot == "month":
            return rng.choice(MONTHS)
        if slot == "year":
            return str(rng.randint(2012, 2023))
        if slot == "day":
            return str(rng.randint(1, 28))
        raise KeyError(f"unknown template slot {{{slot}}}")

    def fill(self, template: str) -> str:
        def one(match: re.Match[str]) -> str:
            slot = match.group(1)
            return self.fixed[slot] if slot in self.fixed else self.fresh(slot)

        text = SLOT.sub(one, template)
        return text[0].upper() + text[1:]


def _topics(distractor: bool) -> list[str]:
    return sorted(DISTRACTOR_TOPICS if distractor else GENERAL_TOPICS)


def generate_one(index: int, seed: int = DEFAULT_SEED) -> GeneratedDoc:
    """Article number `index` of the corpus for `seed` (independent of the corpus size)."""
    rng = random.Random(f"bench-corpus/{GENERATOR_VERSION}/{seed}/{index}")
    distractor = rng.random() < DISTRACTOR_SHARE
    topic = rng.choice(_topics(distractor))
    headlines, sentences = (DISTRACTOR_TOPICS if distractor else GENERAL_TOPICS)[topic]
    article = _Article(rng)
    family = DISTRACTOR_TOPICS if distractor else GENERAL_TOPICS
    lede, *rest = sentences
    own = rng.sample(list(rest), rng.randint(max(1, len(rest) - OWN_DROP_MAX), len(rest)))
    second = rng.choice([t for t in _topics(distractor) if t != topic])
    pool = list(family[second][1])
    borrowed = rng.sample(pool, min(len(pool), rng.randint(*BORROWED_SENTENCES)))
    generic = rng.sample(list(GENERIC_SENTENCES), rng.randint(*GENERIC_SENTENCES_PER_DOC))
    picked = own + borrowed
    rng.shuffle(picked)
    for line in generic:
        picked.insert(rng.randint(0, len(picked)), line)
    picked.insert(0, lede)
    body = [article.fill(s) for s in picked]
    paragraphs: list[str] = []
    at = 0
    while at < len(body):
        size = 1 if at == 0 else rng.randint(1, MAX_PARAGRAPH_SENTENCES)
        paragraphs.append(" ".join(body[at : at + size]))
        at += size
    title = article.fill(rng.choice(list(headlines)))
    return GeneratedDoc(
        doc_id=f"{DOC_PREFIX}{index:05d}",
        topic=topic,
        distractor=distractor,
        text=title + "\n\n" + "\n\n".join(paragraphs) + "\n",
    )


def generate(n: int, seed: int = DEFAULT_SEED) -> list[GeneratedDoc]:
    """The first `n` articles of the corpus for `seed`."""
    return [generate_one(i, seed) for i in range(n)]


def corpus_key(n: int, seed: int) -> str:
    """Names a corpus (and anything built from it): generator version, seed, size."""
    return f"g{GENERATOR_VERSION}-s{seed}-n{n}"


def describe(n: int, seed: int) -> str:
    n_topics = len(GENERAL_TOPICS) + len(DISTRACTOR_TOPICS)
    return (
        f"{n:,} synthetic news-like articles from bench.corpus (generator v{GENERATOR_VERSION}, "
        f"seed {seed}): {n_topics} topics, about {DISTRACTOR_SHARE:.0%} of them look-alikes of the "
        f"seeds ({', '.join(sorted(DISTRACTOR_TOPICS))}), random names, places and numbers"
    )


def write_corpus(folder: Path, n: int, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the corpus as text files under `folder`, reusing it when its manifest matches."""
    manifest = {"generator": GENERATOR_VERSION, "seed": seed, "n": n}
    marker = folder / MANIFEST
    paths = [folder / f"{DOC_PREFIX}{i:05d}.txt" for i in range(n)]
    if marker.exists() and json.loads(marker.read_text()) == manifest and all(p.exists() for p in paths):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    for old in folder.glob(f"{DOC_PREFIX}*.txt"):
        old.unlink()
    docs = generate(n, seed)
    for path, doc in zip(paths, docs, strict=True):
        path.write_text(doc.text, encoding="utf-8")
    topics: dict[str, int] = {}
    for doc in docs:
        topics[doc.topic] = topics.get(doc.topic, 0) + 1
    marker.write_text(json.dumps(manifest))
    (folder / "topics.json").write_text(json.dumps(dict(sorted(topics.items())), indent=1))
    return paths
