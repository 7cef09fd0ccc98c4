"""The demo box office's hand-written data: venues, performers, shows and event wording.

Data only, with the record types that shape it; ``server.catalog.demo_data`` plans the demo
catalogue from it and ``server.catalog.demo_words`` draws generated events' words from it.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

__all__ = [
    "ADJECTIVES",
    "BALLETS",
    "COMPOSERS",
    "EVENT_KINDS",
    "FIRST_NAMES",
    "GERUNDS",
    "JAZZ_GREATS",
    "KINDS_BY_LAYOUT",
    "NAME_ENDS",
    "NAME_STARTS",
    "NOUNS",
    "OPERAS",
    "PERFORMER_ROWS",
    "PLACES",
    "PRAISE",
    "SHOWS",
    "SURNAMES",
    "TOPICS",
    "VENUE_ROWS",
    "WORKS",
    "EventKind",
    "Show",
]

# --- Venues -------------------------------------------------------------------------------

VENUE_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # key, title, location, layout (a file in seatmaps/ without .json)
    ("lantern-rooms", "The Lantern Rooms", "Manchester, UK", "studio"),
    ("cellar-door", "Cellar Door Studio", "Leeds, UK", "studio"),
    ("ropeworks", "Ropeworks Studio", "Liverpool, UK", "studio"),
    ("loom-house", "The Loom House", "Belfast, UK", "studio"),
    ("small-hours", "Small Hours Theatre", "Brighton, UK", "studio"),
    ("foundry-loft", "The Foundry Loft", "Sheffield, UK", "studio"),
    ("tin-whistle", "The Tin Whistle", "Galway, Ireland", "studio"),
    ("wren-street", "Wren Street Studio", "Cork, Ireland", "studio"),
    ("wyvern", "Wyvern Theatre Royal", "Birmingham, UK", "theatre"),
    ("alder-playhouse", "The Alder Playhouse", "Bristol, UK", "theatre"),
    ("grand-saltire", "Grand Saltire Theatre", "Edinburgh, UK", "theatre"),
    ("kestrel-opera-house", "Kestrel Opera House", "Leeds, UK", "theatre"),
    ("empress-hall", "The Empress Hall", "London, UK", "theatre"),
    ("halfpenny", "The Halfpenny Theatre", "Dublin, Ireland", "theatre"),
    ("tollgate", "Tollgate Theatre", "Nottingham, UK", "theatre"),
    ("northgate-arena", "Northgate Arena", "Manchester, UK", "arena"),
    ("harbourside-arena", "Harbourside Arena", "Glasgow, UK", "arena"),
    ("liffey-point", "Liffey Point Arena", "Dublin, Ireland", "arena"),
    ("harrowfield", "Harrowfield Stadium", "London, UK", "stadium"),
    ("brackenridge-park", "Brackenridge Park", "Cardiff, UK", "stadium"),
)

# --- Performers ---------------------------------------------------------------------------
# The kind picks which generated events a performer may appear in.

# fmt: off
PERFORMER_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # key, name, kind, description
    ("low-tide-choir", "Low Tide Choir", "band",
     "Five-piece indie rock band from Hull whose anthemic choruses grew from pubs to arenas."),
    ("velvet-orchards", "The Velvet Orchards", "band",
     "Psychedelic pop quartet known for sprawling live jams and a light show to match."),
    ("northern-static", "Northern Static", "band",
     "Post-punk band with driving basslines and sharp, political lyrics."),
    ("glass-foxes", "Glass Foxes", "band",
     "Synth-pop duo whose glittering dance anthems rule the streaming charts."),
    ("cinder-sisters", "The Cinder Sisters", "band",
     "Folk trio from County Clare famous for close three-part harmonies."),
    ("ironbridge", "Ironbridge", "band",
     "Stadium rock veterans celebrating thirty years of arena-sized riffs."),
    ("saltmarsh", "Saltmarsh", "band",
     "Dreamy shoegaze band from the Norfolk coast."),
    ("midnight-ferries", "The Midnight Ferries", "band",
     "Six-piece Celtic rock band from Galway with fiddle-driven singalongs."),
    ("copperline", "Copperline", "band",
     "Country-tinged rock band with a fondness for pedal steel and heartbreak."),
    ("neon-hymnal", "Neon Hymnal", "band",
     "Electronic rock collective blending choir vocals with pounding drums."),
    ("rosa-wildflowers", "Rosa & the Wildflowers", "band",
     "Soul band led by powerhouse vocalist Rosa Delaney, steeped in sixties soul."),
    ("sunday-kings", "The Sunday Kings", "band",
     "Britpop-era heroes back on the road with a songbook of nineties hits."),
    ("stormchaser", "Stormchaser", "band",
     "Heavy metal band with twin lead guitars and a taste for pyrotechnics."),
    ("aurora-fields", "Aurora Fields", "singer",
     "Chart-topping pop singer whose stadium shows are famous for dancing and confetti."),
    ("eliza-marsh", "Eliza Marsh", "singer",
     "Singer-songwriter whose hushed acoustic ballads have earned a devoted following."),
    ("tom-hartigan", "Tom Hartigan", "singer",
     "Dublin-born troubadour with a battered guitar and a fund of stories."),
    ("maya-okafor", "Maya Okafor", "singer",
     "Neo-soul singer and pianist fresh from a sold-out debut tour."),
    ("callum-reid", "Callum Reid", "singer",
     "Scottish folk singer known for sea shanties and protest songs."),
    ("nell-brightwater", "Nell Brightwater", "singer",
     "Harpist and singer weaving old ballads into modern arrangements."),
    ("jonah-vale", "Jonah Vale", "singer",
     "Pop heartthrob whose first arena tour sold out in minutes."),
    ("isla-moreno", "Isla Moreno", "singer",
     "Flamenco-influenced guitarist and singer with a voice full of duende."),
    ("mara-quill", "Mara Quill", "comedian",
     "Observational comedian with a sharp line in family disasters."),
    ("dev-mistry", "Dev Mistry", "comedian",
     "Stand-up comedian and podcast host whose shows skewer modern dating."),
    ("grainne-doyle", "Gráinne Doyle", "comedian",
     "Deadpan Irish comic and panel-show regular."),
    ("hamish-ogilvie", "Hamish Ogilvie", "comedian",
     "Rapid-fire Glaswegian storyteller and improv veteran."),
    ("priya-chandra", "Priya Chandra", "comedian",
     "Award-winning comedian whose stand-up blends science and silliness."),
    ("sam-okonjo", "Sam Okonjo", "comedian",
     "Former teacher turned comedian with tales from the staffroom."),
    ("flatpack", "The Flatpack Collective", "comedian",
     "Improvised comedy troupe building a brand-new show from audience suggestions."),
    ("lottie-barnes", "Lottie Barnes", "comedian",
     "Musical comedian armed with a ukulele and a grudge."),
    ("ed-fairweather", "Ed Fairweather", "comedian",
     "Arena-filling comedian known for physical, high-energy stand-up."),
    ("rhys-pritchard", "Rhys Pritchard", "comedian",
     "Welsh comic with a warm, rambling style and a tour that never seems to end."),
    ("lamplight", "Lamplight Theatre Company", "company",
     "Touring theatre company devoted to new writing from the regions."),
    ("understudies", "The Understudies", "company",
     "Young ensemble producing fast, funny adaptations of classic plays."),
    ("threadbare", "Threadbare Theatre", "company",
     "Puppetry and physical theatre company making shows for audiences of all ages."),
    ("northern-rep", "Northern Rep", "company",
     "Repertory company staging Shakespeare and modern classics."),
    ("bright-lights", "Bright Lights Productions", "company",
     "Producer behind some of the longest-running musicals on tour."),
    ("crowsfoot", "Crowsfoot Theatre", "company",
     "Irish company known for dark, lyrical new plays."),
    ("open-door", "Open Door Players", "company",
     "Community company staging verbatim theatre built from local voices."),
    ("starlight-musicals", "Starlight Musical Theatre", "company",
     "Musical theatre company bringing big-band revivals to regional stages."),
    ("northern-phil", "Northern Philharmonic Orchestra", "orchestra",
     "Manchester symphony orchestra celebrated for its Mahler and Elgar."),
    ("wessex-symphony", "Wessex Symphony Orchestra", "orchestra",
     "Regional symphony orchestra touring the south-west and beyond."),
    ("celtic-chamber", "Celtic Chamber Orchestra", "orchestra",
     "Dublin chamber orchestra playing Baroque and Classical music on period instruments."),
    ("glasgow-sinfonia", "City of Glasgow Sinfonia", "orchestra",
     "Scottish orchestra known for adventurous programmes and film-music nights."),
    ("young-albion", "Young Albion Orchestra", "orchestra",
     "Orchestra of gifted musicians aged 16 to 25 with infectious energy."),
    ("aldgate-quartet", "Aldgate String Quartet", "chamber",
     "String quartet acclaimed for its Beethoven and Shostakovich cycles."),
    ("hawthorn-trio", "The Hawthorn Trio", "chamber",
     "Piano trio whose intimate recitals range from Haydn to Ravel."),
    ("fenwick-consort", "Fenwick Consort", "chamber",
     "Early-music ensemble performing Bach, Purcell and Monteverdi by candlelight."),
    ("clara-voss", "Clara Voss", "chamber",
     "Concert pianist renowned for her Chopin and Schubert recitals."),
    ("tobias-lind", "Tobias Lind", "chamber",
     "Cellist who plays Bach's cello suites from memory."),
    ("brass-tacks", "Brass Tacks Quintet", "chamber",
     "Brass quintet with a repertoire stretching from Gabrieli to Gershwin."),
    ("blue-cellar", "The Blue Cellar Quartet", "jazz",
     "Hard-bop quartet swinging through standards and originals."),
    ("ruby-achterberg", "Ruby Achterberg", "jazz",
     "Jazz vocalist with a smoky voice and a love of the Great American Songbook."),
    ("marcus-delacroix", "Marcus Delacroix Big Band", "jazz",
     "Seventeen-piece big band playing swing, Latin and Ellington classics."),
    ("solstice-trio", "Solstice Trio", "jazz",
     "Nordic-flavoured piano jazz trio."),
    ("dj-halcyon", "DJ Halcyon", "dj",
     "House and disco DJ whose marathon sets close festivals across Europe."),
    ("kessler", "Kessler", "dj",
     "Techno producer and DJ with a relentless, hypnotic style."),
    ("bassline-bureau", "Bassline Bureau", "dj",
     "Drum and bass crew with MCs and live percussion."),
    ("luna-park", "Luna Park Sound System", "dj",
     "Reggae and dub sound system with a hand-built wall of speakers."),
    ("ostara", "Ostara", "dj",
     "Trance DJ and producer famous for euphoric sunrise sets."),
    ("vinyl-vera", "Vinyl Vera", "dj",
     "Northern soul and funk DJ spinning original 45s."),
    ("albion-ballet", "Albion Ballet", "dance",
     "Classical ballet company touring full-length story ballets with live orchestra."),
    ("kinetic-dance", "Kinetic Dance Company", "dance",
     "Contemporary dance company fusing hip-hop and ballet."),
    ("emerald-isle-dance", "Emerald Isle Dance Company", "dance",
     "Irish dancing troupe with thunderous footwork and a live band."),
    ("tango-nocturno", "Tango Nocturno", "dance",
     "Argentine tango company with a live bandoneon quartet."),
    ("kestrel-opera", "Kestrel Opera", "opera",
     "Touring company staging fresh productions of the great Italian and French operas."),
    ("pocket-opera", "Pocket Opera Ireland", "opera",
     "Small-scale company performing opera in English in intimate venues."),
    ("meridian-opera", "The Meridian Opera Company", "opera",
     "Grand opera company with a full chorus and orchestra."),
    ("titan-wrestling", "Titan Wrestling Federation", "spectacle",
     "Professional wrestling promotion with high-flying heroes and pantomime villains."),
    ("arrowhead-darts", "Arrowhead Darts League", "spectacle",
     "Professional darts tour bringing the world's best throwers to the oche."),
    ("cirque-celeste", "Cirque Céleste", "spectacle",
     "Contemporary circus of acrobats, aerialists and clowns."),
    ("silver-blades", "Silver Blades on Ice", "spectacle",
     "Ice-skating spectacular retelling fairy tales with champion skaters."),
    ("knockout-boxing", "Knockout Boxing", "spectacle",
     "Promoter of championship boxing nights featuring title fights."),
)
# fmt: on


# --- Shows --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Show:
    """A show and how it plays: ``dates`` performances spread over ``venues`` venues.

    ``schedule`` is "evening" (one evening show a day), "run" (dark on Mondays, a matinee and
    an evening on Saturdays, a matinee on Sundays) or "family" (weekend mornings and matinees).
    """

    key: str
    layout: str
    title: str
    description: str
    performers: tuple[str, ...]
    dates: int
    venues: int
    minutes: int
    price: tuple[int, int]
    schedule: str = "evening"


# fmt: off
SHOWS: tuple[Show, ...] = (
    # Stadiums: 6 events.
    Show("starlight-stadium-tour", "stadium", "Aurora Fields: The Starlight Stadium Tour",
         "Aurora Fields brings her record-breaking pop spectacle to the country's biggest "
         "stadiums, with non-stop dancing, a troupe of forty dancers and a confetti finale. "
         "Glass Foxes open the night.",
         ("aurora-fields", "glass-foxes"), dates=2, venues=2, minutes=180, price=(150, 45)),
    Show("thirty-years-loud", "stadium", "Ironbridge: Thirty Years Loud",
         "Three decades after their first gig, Ironbridge celebrate with a stadium tour of "
         "greatest hits, deep cuts and the biggest pyrotechnics rig they have ever toured. "
         "Heavy metal openers Stormchaser warm up the crowd.",
         ("ironbridge", "stormchaser"), dates=2, venues=2, minutes=180, price=(125, 45)),
    Show("summer-skies-festival", "stadium", "Summer Skies Festival",
         "A one-night festival of guitar bands and soul under open skies: Low Tide Choir "
         "headline, with The Velvet Orchards, The Sunday Kings and Rosa & the Wildflowers.",
         ("low-tide-choir", "velvet-orchards", "sunday-kings", "rosa-wildflowers"),
         dates=1, venues=1, minutes=180, price=(110, 55)),
    Show("electric-meadow", "stadium", "Electric Meadow: Stadium Rave",
         "Trance, techno, drum and bass and house collide in one enormous dance party, with "
         "lasers sweeping the stands and four DJs on the decks.",
         ("ostara", "kessler", "bassline-bureau", "dj-halcyon"),
         dates=1, venues=1, minutes=180, price=(95, 45)),
    # Arenas: 25 events.
    Show("high-water-tour", "arena", "Low Tide Choir: High Water Tour",
         "The Hull five-piece take their anthemic indie rock into arenas for the first time, "
         "playing the new album in full alongside the singalong favourites.",
         ("low-tide-choir",), dates=3, venues=3, minutes=150, price=(85, 35)),
    Show("heartlines-tour", "arena", "Jonah Vale: Heartlines Arena Tour",
         "Pop's most-streamed heartthrob tours his second album with a full band, a string "
         "section and an acoustic set in the middle of the arena floor.",
         ("jonah-vale",), dates=3, venues=3, minutes=120, price=(95, 40)),
    Show("signal-fires", "arena", "Northern Static: Signal Fires",
         "Post-punk with a conscience: Northern Static bring their biggest headline tour yet, "
         "all jagged guitars and driving basslines.",
         ("northern-static",), dates=2, venues=2, minutes=120, price=(65, 35)),
    Show("cathedral-of-sound", "arena", "Neon Hymnal Live: Cathedral of Sound",
         "A sixty-voice choir meets thundering electronic rock in a concert built around a "
         "cathedral-sized light installation.",
         ("neon-hymnal",), dates=2, venues=2, minutes=120, price=(70, 35)),
    Show("homeward-tour", "arena", "The Midnight Ferries: Homeward Tour",
         "Fiddles, pipes and stomping Celtic rock from the Galway six-piece: a night of jigs, "
         "reels and roaring singalongs in the big rooms.",
         ("midnight-ferries",), dates=2, venues=2, minutes=150, price=(75, 35)),
    Show("unstoppable", "arena", "Ed Fairweather: Unstoppable",
         "The country's most energetic comedian takes his physical, sweat-soaked stand-up "
         "comedy into arenas. Contains strong language and one very tired comedian.",
         ("ed-fairweather",), dates=2, venues=2, minutes=120, price=(65, 35)),
    Show("snow-queen-on-ice", "arena", "Silver Blades on Ice: The Snow Queen",
         "Champion skaters retell Hans Christian Andersen's fairy tale with soaring lifts, "
         "dazzling costumes and a blizzard of special effects. Perfect for families.",
         ("silver-blades",), dates=4, venues=1, minutes=120, price=(55, 22), schedule="run"),
    Show("clash-of-titans", "arena", "Titan Wrestling: Clash of Titans",
         "High-flying heroes and pantomime villains collide in a night of professional "
         "wrestling, with the heavyweight title on the line in the main event.",
         ("titan-wrestling",), dates=3, venues=3, minutes=180, price=(75, 25)),
    Show("darts-grand-slam", "arena", "Arrowhead Darts: Grand Slam Night",
         "The world's top players step up to the oche for a knockout night of nine-darters, "
         "fancy dress and raucous crowd singing.",
         ("arrowhead-darts",), dates=1, venues=1, minutes=180, price=(60, 25)),
    Show("fight-night", "arena", "Knockout Boxing: Fight Night",
         "A championship boxing card topped by a heavyweight title fight, with rising stars "
         "on the undercard.",
         ("knockout-boxing",), dates=1, venues=1, minutes=180, price=(120, 40)),
    Show("orbit", "arena", "Cirque Céleste: Orbit",
         "Acrobats, aerialists and clowns defy gravity in a contemporary circus set among the "
         "planets, with a live band and breathtaking trapeze work.",
         ("cirque-celeste",), dates=2, venues=1, minutes=120, price=(65, 25), schedule="run"),
    # Theatres: 89 events.
    Show("lighthouse-road", "theatre", "Lighthouse Road: The Musical",
         "A storm, a shipwreck and a village that sings its way back to life: the feel-good "
         "musical with tap dancing on the harbour wall and a score of big-band showstoppers.",
         ("bright-lights",), dates=10, venues=1, minutes=165, price=(85, 25), schedule="run"),
    Show("sweet-mercy", "theatre", "Sweet Mercy",
         "A rousing gospel musical about a small-town choir who enter a national singing "
         "contest, packed with soaring harmonies and joyful dancing.",
         ("starlight-musicals",), dates=8, venues=1, minutes=150, price=(75, 22),
         schedule="run"),
    Show("clockmakers-daughter", "theatre", "The Clockmaker's Daughter",
         "A new musical fairy tale about a girl who builds a clockwork heart. Touring ahead "
         "of its London run, with lavish sets and an orchestra of twelve.",
         ("bright-lights",), dates=6, venues=2, minutes=160, price=(70, 25), schedule="run"),
    Show("swan-lake", "theatre", "Swan Lake",
         "Albion Ballet's classic production of Tchaikovsky's Swan Lake, danced by a company "
         "of forty with live orchestra. The perfect introduction to ballet.",
         ("albion-ballet",), dates=6, venues=3, minutes=150, price=(75, 20), schedule="run"),
    Show("concrete-garden", "theatre", "Concrete Garden",
         "Hip-hop meets ballet in a contemporary dance piece about growing up in the city, "
         "set to a pulsing electronic score.",
         ("kinetic-dance",), dates=3, venues=2, minutes=90, price=(40, 15)),
    Show("heartbeat-of-the-isles", "theatre", "Heartbeat of the Isles",
         "Thunderous Irish dancing from a troupe of thirty dancers, with a live band of "
         "fiddle, bodhrán and uilleann pipes.",
         ("emerald-isle-dance",), dates=4, venues=2, minutes=120, price=(60, 25),
         schedule="run"),
    Show("la-traviata", "theatre", "La Traviata",
         "Kestrel Opera tours Verdi's heartbreaking opera of love and sacrifice, reset in "
         "1920s Paris and sung in Italian with English surtitles.",
         ("kestrel-opera",), dates=4, venues=2, minutes=180, price=(110, 25), schedule="run"),
    Show("magic-flute", "theatre", "The Magic Flute",
         "Mozart's enchanting comic opera of trials, serpents and a Queen of the Night who "
         "hits the highest notes in opera, in a colourful production for all the family.",
         ("meridian-opera",), dates=3, venues=1, minutes=170, price=(95, 25), schedule="run"),
    Show("carmen", "theatre", "Carmen",
         "Bizet's fiery opera of passion and jealousy, with the Habanera, the Toreador Song "
         "and a full chorus and orchestra.",
         ("kestrel-opera",), dates=3, venues=1, minutes=175, price=(105, 25), schedule="run"),
    Show("mahler-five", "theatre", "Mahler: Symphony No. 5",
         "The Northern Philharmonic Orchestra plays Mahler's Fifth Symphony, from its funeral "
         "march to the famous Adagietto, with Elgar's Enigma Variations.",
         ("northern-phil",), dates=2, venues=2, minutes=120, price=(55, 15)),
    Show("beethoven-nine", "theatre", "Beethoven's Ninth: Ode to Joy",
         "The Wessex Symphony Orchestra and a two-hundred-voice chorus tour Beethoven's Ninth "
         "Symphony, with Mozart's Symphony No. 40 in the first half.",
         ("wessex-symphony",), dates=3, venues=3, minutes=120, price=(55, 15)),
    Show("film-music-spectacular", "theatre", "Film Music Spectacular",
         "From swashbuckling adventures to space operas, the City of Glasgow Sinfonia plays "
         "the greatest film scores ever written, with clips on a giant screen.",
         ("glasgow-sinfonia",), dates=2, venues=2, minutes=120, price=(50, 18)),
    Show("new-world-symphony", "theatre", "Dvořák: New World Symphony",
         "Gifted young musicians play Dvořák's Symphony No. 9 'From the New World', with "
         "Sibelius's Finlandia and Rachmaninoff's Rhapsody on a Theme of Paganini.",
         ("young-albion",), dates=2, venues=2, minutes=110, price=(35, 12)),
    Show("tchaikovsky-night", "theatre", "Tchaikovsky: Piano Concerto No. 1",
         "Clara Voss joins the Northern Philharmonic Orchestra for Tchaikovsky's thunderous "
         "First Piano Concerto, followed by the Romeo and Juliet fantasy overture.",
         ("northern-phil", "clara-voss"), dates=1, venues=1, minutes=120, price=(60, 15)),
    Show("four-seasons-candlelight", "theatre", "Vivaldi's Four Seasons by Candlelight",
         "The Celtic Chamber Orchestra plays Vivaldi's Four Seasons and Bach's Air on the G "
         "String on period instruments, in a theatre lit by a thousand candles.",
         ("celtic-chamber",), dates=2, venues=2, minutes=75, price=(40, 15)),
    Show("swipe-left", "theatre", "Dev Mistry: Swipe Left",
         "Stand-up comedy about dating apps, wedding season and a mother who has opinions. "
         "The hit podcast host's biggest tour yet.",
         ("dev-mistry",), dates=4, venues=4, minutes=120, price=(38, 25)),
    Show("quantum-leaps", "theatre", "Priya Chandra: Quantum Leaps",
         "Award-winning comedian Priya Chandra explains the universe, badly: stand-up about "
         "black holes, bad decisions and her dad's conspiracy theories.",
         ("priya-chandra",), dates=3, venues=3, minutes=110, price=(35, 22)),
    Show("still-talking", "theatre", "Rhys Pritchard: Still Talking",
         "The rambling Welsh storyteller returns with tales of rugby clubs, caravans and his "
         "long-suffering nan. A comedy tour extended again by popular demand.",
         ("rhys-pritchard",), dates=4, venues=3, minutes=120, price=(35, 22)),
    Show("midsummer-nights-dream", "theatre", "A Midsummer Night's Dream",
         "Northern Rep's joyful production of Shakespeare's comedy of lovers, fairies and "
         "amateur actors lost in an enchanted forest, with live folk music.",
         ("northern-rep",), dates=5, venues=1, minutes=150, price=(45, 15), schedule="run"),
    Show("the-salt-road", "theatre", "The Salt Road",
         "Two brothers walk the old coast road to scatter their father's ashes in Crowsfoot "
         "Theatre's dark, funny and lyrical new play.",
         ("crowsfoot",), dates=4, venues=2, minutes=110, price=(35, 15), schedule="run"),
    Show("velvet-hours-tour", "theatre", "Maya Okafor: Velvet Hours Tour",
         "The neo-soul singer and pianist tours her acclaimed debut album with a seven-piece "
         "band and gospel backing singers.",
         ("maya-okafor",), dates=3, venues=3, minutes=110, price=(45, 28)),
    Show("soul-revue", "theatre", "Rosa & the Wildflowers: Soul Revue",
         "Rosa Delaney and her band raise the roof with classic sixties soul and their own "
         "floor-fillers. Dancing in the aisles is encouraged.",
         ("rosa-wildflowers",), dates=3, venues=2, minutes=120, price=(45, 25)),
    Show("swing-time", "theatre", "Swing Time: The Big Band Show",
         "A seventeen-piece big band swings through Duke Ellington, Count Basie and Glenn "
         "Miller classics, with guest singers and swing dancers.",
         ("marcus-delacroix",), dates=2, venues=2, minutes=120, price=(40, 18)),
    Show("midnight-in-buenos-aires", "theatre", "Tango Nocturno: Midnight in Buenos Aires",
         "Sultry Argentine tango danced by six couples, with a live bandoneon quartet "
         "playing Piazzolla.",
         ("tango-nocturno",), dates=2, venues=2, minutes=100, price=(45, 18)),
    # Studios: 91 events.
    Show("weight-of-small-things", "studio", "The Weight of Small Things",
         "A funny and tender new play about a family clearing out their late grandmother's "
         "house, touring small stages before a London transfer.",
         ("lamplight",), dates=6, venues=3, minutes=95, price=(20, 10), schedule="run"),
    Show("much-ado-about-almost-nothing", "studio", "Much Ado About Almost Nothing",
         "Five actors, forty characters and one very fast costume rail: an irreverent comedy "
         "retelling of Shakespeare's Much Ado About Nothing.",
         ("understudies",), dates=5, venues=1, minutes=100, price=(18, 10), schedule="run"),
    Show("the-paper-moon", "studio", "The Paper Moon",
         "A wordless puppetry adventure about a girl who builds a moon out of paper to light "
         "her way home. For curious audiences aged five and up.",
         ("threadbare",), dates=4, venues=2, minutes=60, price=(14, 10), schedule="family"),
    Show("voices-from-the-terraces", "studio", "Voices from the Terraces",
         "Verbatim theatre made from the words of football fans, players and tea ladies, "
         "celebrating a century of a much-loved local club.",
         ("open-door",), dates=3, venues=1, minutes=90, price=(16, 10)),
    Show("kindling", "studio", "Kindling",
         "A haunting two-hander set in a remote lighthouse, from the company behind The Salt "
         "Road.",
         ("crowsfoot",), dates=4, venues=2, minutes=85, price=(20, 12)),
    Show("nobody-asked", "studio", "Mara Quill: Nobody Asked",
         "Observational stand-up comedy about family holidays, group chats and the dog that "
         "ate Christmas.",
         ("mara-quill",), dates=4, venues=4, minutes=75, price=(18, 12)),
    Show("deadpan-alley", "studio", "Gráinne Doyle: Deadpan Alley",
         "The panel-show favourite brings her bone-dry comedy to small rooms for a brand-new "
         "hour of stand-up.",
         ("grainne-doyle",), dates=3, venues=3, minutes=70, price=(16, 12)),
    Show("tall-tales", "studio", "Hamish Ogilvie: Tall Tales and Short Fuses",
         "Rapid-fire storytelling comedy featuring a ferry, a ferret and a wedding that went "
         "very wrong.",
         ("hamish-ogilvie",), dates=3, venues=3, minutes=75, price=(16, 10)),
    Show("detention", "studio", "Sam Okonjo: Detention",
         "A former teacher's comedy show about staffroom politics, parents' evenings and the "
         "pupils who still haunt him.",
         ("sam-okonjo",), dates=3, venues=3, minutes=70, price=(15, 10)),
    Show("some-assembly-required", "studio", "The Flatpack Collective: Some Assembly Required",
         "Fully improvised comedy built from audience suggestions; no two nights are ever "
         "the same.",
         ("flatpack",), dates=4, venues=1, minutes=80, price=(14, 10)),
    Show("ukulele-of-doom", "studio", "Lottie Barnes: Ukulele of Doom",
         "Musical comedy songs about housemates, exes and passive-aggressive notes, performed "
         "on a ukulele that has seen things.",
         ("lottie-barnes",), dates=3, venues=3, minutes=70, price=(16, 10)),
    Show("beethoven-late-quartets", "studio", "Beethoven's Late Quartets",
         "The Aldgate String Quartet plays Beethoven's late string quartets, including the "
         "Grosse Fuge, in an intimate chamber music evening.",
         ("aldgate-quartet",), dates=3, venues=3, minutes=100, price=(25, 12)),
    Show("haydn-brahms-ravel", "studio", "The Hawthorn Trio: Haydn, Brahms and Ravel",
         "A piano trio recital of Haydn's Trio in G major, Brahms's Trio in B major and "
         "Ravel's shimmering Piano Trio.",
         ("hawthorn-trio",), dates=2, venues=2, minutes=90, price=(22, 12)),
    Show("bach-by-candlelight", "studio", "Bach by Candlelight",
         "The Fenwick Consort performs Bach cantatas and Purcell songs on period instruments "
         "by the light of a hundred candles.",
         ("fenwick-consort",), dates=3, venues=2, minutes=80, price=(24, 12)),
    Show("chopin-and-schubert", "studio", "Clara Voss: Chopin and Schubert",
         "The acclaimed concert pianist plays Chopin's nocturnes and Schubert's impromptus in "
         "an intimate solo piano recital.",
         ("clara-voss",), dates=2, venues=2, minutes=90, price=(25, 14)),
    Show("bach-cello-suites", "studio", "Tobias Lind: The Bach Cello Suites",
         "All six of Bach's cello suites across one unhurried evening, played from memory by "
         "a rising star of the cello.",
         ("tobias-lind",), dates=2, venues=2, minutes=150, price=(22, 12)),
    Show("gabrieli-to-gershwin", "studio", "Brass Tacks: From Gabrieli to Gershwin",
         "A brass quintet romp from Venetian fanfares to jazz standards, via Handel's Water "
         "Music and Gershwin's Rhapsody in Blue.",
         ("brass-tacks",), dates=1, venues=1, minutes=80, price=(18, 10)),
    Show("acoustic-and-alone", "studio", "Eliza Marsh: Acoustic and Alone",
         "Just a voice, a guitar and the hushed songs that made her name: an intimate "
         "acoustic tour of small rooms.",
         ("eliza-marsh",), dates=4, venues=4, minutes=90, price=(22, 14)),
    Show("songs-and-stories", "studio", "Tom Hartigan: Songs and Stories",
         "The Dublin troubadour sings his best-loved songs and tells the stories behind "
         "them, one pint at a time.",
         ("tom-hartigan",), dates=3, venues=3, minutes=100, price=(20, 12)),
    Show("shanties-and-shipwrecks", "studio", "Callum Reid: Shanties and Shipwrecks",
         "Rousing sea shanties, protest songs and Scottish folk ballads; bring your loudest "
         "singing voice.",
         ("callum-reid",), dates=3, venues=3, minutes=90, price=(18, 10)),
    Show("harp-and-hollow-hill", "studio", "Nell Brightwater: The Harp and the Hollow Hill",
         "Old ballads of fairy hills and drowned villages reimagined for harp, voice and "
         "string trio.",
         ("nell-brightwater",), dates=2, venues=2, minutes=80, price=(20, 12)),
    Show("duende", "studio", "Isla Moreno: Duende",
         "Flamenco guitar, fierce singing and a dancer's stamping feet in a fiery acoustic "
         "set.",
         ("isla-moreno",), dates=2, venues=2, minutes=80, price=(20, 12)),
    Show("three-voices", "studio", "The Cinder Sisters: Three Voices",
         "Close harmonies and traditional Irish songs from the County Clare trio, sung "
         "around a single microphone.",
         ("cinder-sisters",), dates=3, venues=3, minutes=90, price=(20, 12)),
    Show("saltmarsh-acoustic", "studio", "Saltmarsh: Acoustic Sessions",
         "The shoegaze band strip away the walls of guitar noise for a rare acoustic tour of "
         "intimate venues.",
         ("saltmarsh",), dates=2, venues=2, minutes=80, price=(18, 10)),
    Show("late-night-bop", "studio", "The Blue Cellar Quartet: Late Night Bop",
         "Hard-bop jazz, swinging standards and the quartet's own tunes in a late-night club "
         "atmosphere.",
         ("blue-cellar",), dates=3, venues=2, minutes=120, price=(18, 10)),
    Show("great-american-songbook", "studio",
         "Ruby Achterberg Sings the Great American Songbook",
         "The smoky-voiced jazz singer and her trio pay tribute to Gershwin, Cole Porter and "
         "Irving Berlin.",
         ("ruby-achterberg",), dates=2, venues=2, minutes=90, price=(22, 12)),
    Show("northern-lights", "studio", "Solstice Trio: Northern Lights",
         "Spacious, melodic piano jazz with a Nordic chill from one of Europe's most exciting "
         "trios.",
         ("solstice-trio",), dates=2, venues=2, minutes=90, price=(18, 10)),
    Show("northern-soul-night", "studio", "Northern Soul Night with Vinyl Vera",
         "Polish your dancing shoes: rare soul and funk 45s spun all night on a sprung dance "
         "floor.",
         ("vinyl-vera",), dates=2, venues=2, minutes=180, price=(15, 10)),
    Show("dub-club", "studio", "Luna Park Sound System: Dub Club",
         "Heavyweight reggae and dub on a hand-built sound system, with live toasting and "
         "bass you can feel.",
         ("luna-park",), dates=2, venues=2, minutes=180, price=(15, 10)),
    Show("marriage-of-figaro", "studio", "The Marriage of Figaro",
         "Pocket Opera Ireland's witty small-scale production of Mozart's comic opera, sung "
         "in English with piano and string quartet.",
         ("pocket-opera",), dates=3, venues=2, minutes=150, price=(25, 15), schedule="run"),
    Show("copperline-unplugged", "studio", "Copperline: Unplugged",
         "The country-rock band play acoustic versions of their road songs and heartbreak "
         "ballads, with pedal steel and fiddle.",
         ("copperline",), dates=2, venues=2, minutes=90, price=(20, 12)),
    Show("low-light", "studio", "Kessler Presents: Low Light",
         "An intimate techno session in the dark, with Kessler playing a rare long set on a "
         "club sound system.",
         ("kessler",), dates=1, venues=1, minutes=180, price=(18, 10)),
)
# fmt: on


# --- Generated events: word lists ---------------------------------------------------------
# Each list is ``|``-separated, most common first.
ADJECTIVES = """
Last|Little|Golden|Silent|Broken|Wild|Hidden|Midnight|Lost|Electric|Quiet|Velvet|Bright|
Secret|Burning|Crimson|Distant|Hollow|Paper|Glass|Iron|Silver|Winter|Summer|Wandering|
Restless|Sleeping|Dancing|Singing|Falling|Rising|Drowned|Painted|Forgotten|Borrowed|Crooked|
Gentle|Savage|Tender|Wicked|Curious|Fearless|Reckless|Lonely|Northern|Southern|Endless|
Sudden|Shining|Stolen|Frozen|Amber|Scarlet|Emerald|Ivory|Copper|Marble|Salt|Feathered|
Thunderous|Luminous|Whispering|Clockwork|Moonlit|Starlit|Sunken|Tangled|Wayward|Bitter|Sweet|
Brave|Cunning|Merry|Solemn|Giddy|Vagabond|Gilded|Threadbare|Peculiar|Unfinished|Impossible|
Invisible|Improbable|Magnificent|Melancholy|Nocturnal|Ravenous|Spellbound|Wondrous|Halcyon|
Ephemeral|Labyrinthine|Quixotic|Verdant|Gossamer|Incandescent|Mercurial|Sonorous|Saturnine|
Phosphorescent|Crepuscular|Antediluvian|Susurrating|Iridescent|Obstreperous|Perfidious
"""
NOUNS = """
Night|Heart|River|House|Road|Garden|Dream|Light|Sea|Storm|Sky|Fire|Moon|Star|Song|Dance|
Ghost|King|Queen|Bird|Wolf|Fox|Hare|Raven|Swan|Harbour|Lighthouse|Island|Mountain|Forest|
Orchard|Meadow|Valley|Bridge|Tower|Castle|Carnival|Circus|Ballroom|Kitchen|Parlour|Attic|
Cellar|Letter|Promise|Journey|Voyage|Wedding|Funeral|Reunion|Inheritance|Confession|Bargain|
Rebellion|Revolution|Empire|Kingdom|Compass|Clock|Mirror|Lantern|Key|Crown|Sword|Feather|
Thread|Needle|Button|Teacup|Suitcase|Telescope|Piano|Violin|Trumpet|Drum|Accordion|Harp|
Glacier|Tide|Comet|Eclipse|Aurora|Horizon|Echo|Whisper|Shadow|Silence|Thunder|Rain|Snow|
Frost|Blossom|Harvest|Alchemist|Cartographer|Lamplighter|Beekeeper|Clockmaker|Ferryman|
Stargazer|Gondolier|Apothecary|Menagerie|Labyrinth|Carousel|Zeppelin|Marmalade|Hullabaloo|
Kerfuffle|Palimpsest|Pantomime|Nightingale|Kingfisher|Cormorant|Samphire|Quarry|Foundry|
Tannery|Orrery|Astrolabe|Sextant|Chrysalis|Mandolin|Harmonium|Hurdy-Gurdy|Sarabande|Gigue|
Reliquary|Gazetteer|Almanac|Bestiary|Codex|Quagmire|Maelstrom|Doldrums|Archipelago|Peninsula|
Fjord|Estuary|Saltmarsh|Moorland|Heathland|Causeway|Drumlin|Escarpment|Oubliette|Gallimaufry
"""
PRAISE = """
gripping|hilarious|heartbreaking|dazzling|tender|joyful|thrilling|haunting|bold|breathtaking|
riotous|spellbinding|irreverent|intimate|exhilarating|moving|witty|playful|poignant|
electrifying|uplifting|bittersweet|mischievous|sumptuous|uproarious|beguiling|ravishing|
visceral|luminous|kaleidoscopic|sardonic|elegiac|ebullient|phantasmagorical|lugubrious|
rumbustious|coruscating|vertiginous|sepulchral|rambunctious|crepuscular|tintinnabulous
"""
PLACES = """
Paradise|Nowhere|Avalon|Arcadia|Atlantis|Eden|Babylon|Brighton|Whitby|Margate|Kinsale|
Skegness|Llandudno|Tobermory|Dingle|Portrush|Penzance|Scarborough|Blackpool|Aberystwyth|
Ullapool|Lindisfarne|Hebden Bridge|Ballycastle|Xanadu|Samarkand|Timbuktu|Zanzibar|Valparaíso|
Tír na nÓg|Lyonesse|Hy-Brasil|Brigadoon|Shangri-La|Cockaigne
"""
# Invented towns and surnames are built from these halves: thousands of rare search terms.
NAME_STARTS = """
Ash|Thorn|Bram|Hol|Elm|Oak|Kirk|Stan|Brad|Hart|Whit|Ald|Mar|Chil|Fen|Brock|Cold|Wol|Hather|
Sal|Nor|Sut|Lang|Mickle|Nether|Ox|Rad|Roth|Shep|Ting|Ulver|Wark|Yarl|Yel|Bally|Kil|Glen|
Strath|Inver|Aber|Llan|Pen|Tre|Dun|Craw|Gos|Lox|Pid|Quen|Stow|Tarn|Wen|Wyn|Bur|Dal|Ever|
Haz|Lud|Mor|Ost|Pol|Ross|Sel|Tav|Ven|Cul|Drum|Fal|Gart|Helm|Ick|Kel|Lyd|Mous|Nant|Pad|Rhos|
Skel|Tol|Whel
"""
NAME_ENDS = """
ton|ford|ley|bury|ham|field|by|wick|worth|well|more|dale|stead|thorpe|mouth|bridge|combe|
hurst|den|gate|side|shaw|wood|cliffe|ness|pool|haven|holm|minster|caster|brook|marsh|mere|
garth|ock|lyn
"""
FIRST_NAMES = """
Anna|Tom|Grace|Jack|Lily|Sam|Rose|Harry|Molly|Joe|Nora|Ben|Iris|Owen|Ruth|Finn|Maeve|Hugh|
Edith|Cormac|Agnes|Declan|Winifred|Ambrose|Isolde|Lachlan|Philippa|Tobias|Ottoline|Peregrine|
Euphemia|Barnaby|Clementine|Ignatius|Perpetua|Aloysius|Hermione|Bartholomew|Seraphina|Ezekiel
"""
SURNAMES = """
Smith|Jones|Murphy|Brown|Kelly|Walsh|Taylor|Byrne|Evans|Ryan|Hughes|Doyle|Campbell|Lynch|
Fletcher|Whitlock|Pennington|Featherstone|Blackwood|Quigley|Ogilvy|Fairbrother|Cadwallader|
Montmorency|Throckmorton|Winterbottom|Higginbottom|Oyelaran
"""
GERUNDS = """
Chasing|Dancing|Singing|Waiting for|Finding|Losing|Remembering|Catching|Crossing|Counting|
Mending|Painting|Taming|Walking|Sailing|Saving|Stealing|Breaking|Building|Burying|Feeding|
Haunting|Inventing|Unravelling|Serenading|Outrunning|Befriending|Bewitching|Excavating
"""
TOPICS = """
family holidays|dating apps|first love|moving home|growing old|wedding season|a lost dog|
the housing market|parents' evenings|self-checkout machines|a village fete|an unexpected letter|
a lottery win|starting again|a strike at the mill|a haunted lighthouse|the last ferry|
group chats|middle age|camping|the school run|a football club|a house clearance|grief|
a family secret|a missing brother|an unwanted inheritance|a choir competition|
a seaside guesthouse|a failing bakery|the night shift|a long-distance swim|a pub quiz|
a broken engagement|a garden allotment|a cold-water swimming club|a ghost tour|
a town's last cinema|the great storm|a taxidermy business|a sandcastle league
"""
COMPOSERS = """
Mozart|Beethoven|Bach|Tchaikovsky|Brahms|Mahler|Schubert|Haydn|Vivaldi|Handel|Chopin|
Dvořák|Elgar|Debussy|Ravel|Rachmaninoff|Sibelius|Shostakovich|Mendelssohn|Schumann|Grieg|
Holst|Vaughan Williams|Stravinsky|Prokofiev|Bruckner|Saint-Saëns|Fauré|Purcell|Britten|
Bartók|Janáček|Smetana|Berlioz|Liszt|Rimsky-Korsakov|Mussorgsky|Satie|Bizet|Delius|Tallis|
Byrd|Monteverdi|Telemann|Scarlatti|Boccherini|Clara Schumann|Fanny Mendelssohn|
Lili Boulanger|Florence Price|Ethel Smyth|Amy Beach|Coleridge-Taylor|Stanford|Parry|Howells|
Finzi|Walton|Tippett|Bax|Dowland|Gesualdo|Hildegard of Bingen|Szymanowski|Martinů|Nielsen|
Respighi|Albéniz|Granados|Falla|Piazzolla|Villa-Lobos|Ginastera|Copland|Gershwin|Barber|Ives
"""
WORKS = """
Symphony No. 5|Symphony No. 9|Piano Concerto No. 1|Violin Concerto|Symphony No. 3|
Symphony No. 1|Cello Concerto|Piano Concerto No. 2|Requiem|Symphony No. 7|Symphony No. 4|
Symphony No. 2|Serenade for Strings|String Quartet No. 1|Symphony No. 6|Overtures and Dances|
Symphony No. 8|Piano Concerto No. 3|Mass in C|Clarinet Quintet|Piano Sonatas|Nocturnes|
Preludes and Fugues|Stabat Mater|Te Deum|Sinfonietta|Concerto Grosso|Divertimento|Vespers|
Tone Poems|Rhapsodies|Variations on an Original Theme|Suite for Strings|Octet
"""
OPERAS = """
La Bohème|Carmen|La Traviata|Tosca|The Magic Flute|Madama Butterfly|The Marriage of Figaro|
Don Giovanni|Rigoletto|Aida|The Barber of Seville|Turandot|Così fan tutte|Nabucco|Otello|
Lucia di Lammermoor|Eugene Onegin|The Pearl Fishers|Fidelio|Dido and Aeneas|Peter Grimes|
Hansel and Gretel|Der Rosenkavalier|Salome|Pagliacci|Cavalleria rusticana|Rusalka|
Orfeo ed Euridice|The Cunning Little Vixen|Werther|Manon Lescaut|The Merry Widow|
La Cenerentola|L'elisir d'amore|Don Pasquale|Tristan und Isolde|Die Walküre|Jenůfa|Idomeneo
"""
BALLETS = """
Swan Lake|The Nutcracker|Giselle|Romeo and Juliet|The Sleeping Beauty|Coppélia|Cinderella|
Don Quixote|La Sylphide|The Firebird|The Rite of Spring|La Bayadère|Le Corsaire|Petrushka|
Sylvia|Raymonda|Les Sylphides|La Fille mal gardée|Daphnis and Chloé|Pulcinella|Paquita
"""
JAZZ_GREATS = """
Duke Ellington|Billie Holiday|Ella Fitzgerald|Miles Davis|John Coltrane|Nina Simone|
Thelonious Monk|Charlie Parker|Count Basie|Chet Baker|Dave Brubeck|Bill Evans|Sarah Vaughan|
Dizzy Gillespie|Charles Mingus|Art Blakey|Sonny Rollins|Bud Powell|Mary Lou Williams
"""


# --- Generated events: kinds --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventKind:
    """How to word one kind of generated event, who may perform it and what it costs.

    ``performers`` are performer kinds separated by spaces, ``price`` is the top and bottom
    price in pounds, and each template is written one a line.
    """

    performers: str
    minutes: tuple[int, ...]
    price: tuple[int, int]
    _: KW_ONLY
    titles: str
    openings: str
    extras: str
    matinees: bool = False


EVENT_KINDS: dict[str, EventKind] = {
    "play": EventKind(
        "company",
        (80, 90, 100, 120, 150),
        (22, 10),
        matinees=True,
        titles="""
            The {Adj} {Noun}
            The {Noun} of {Town}
            A {Noun} in {Place}
            {Name}'s {Noun}
            The {Noun} and the {Noun2}
            {Gerund} the {Noun}
            After the {Noun}
            The Ballad of {Name} {Surname}
            {Town}
        """,
        openings="""
            {a_praise} new play about {Topic}, set in {Town}.
            {performer} stage {a_praise} drama about {a_noun} the {Surname} family never mention.
            Funny and {praise}: a play about {Topic} and {Topic2}.
            {Name} {Surname} comes home to {Town} with {a_noun} and a secret in this two-hander.
            A new play by {Name} {Surname}: {Topic}, {Topic2} and {a_adj} {noun} in {Town}.
        """,
        extras="""
            Performed by {performer}.
            Touring small theatres this season.
            Contains strong language.
            With live music played on stage.
            Winner of a new writing award.
            Recommended for ages 14 and over.
            Directed by {Name2} {Surname2}.
        """,
    ),
    "comedy": EventKind(
        "comedian",
        (60, 70, 90, 120),
        (35, 12),
        titles="""
            {performer}: {Adj} {Noun}
            {performer}: {Gerund} the {Noun}
            {performer}: Work in Progress
            {performer}: The {Adj} Tour
            {performer}: {Noun}
            {performer}: Live in {Town}
        """,
        openings="""
            {performer} returns with a brand-new hour of stand-up comedy about {Topic} and {Topic2}.
            The {praise} comedian's new stand-up show about {Topic}, on tour at last.
            Stand-up comedy from {performer}, whose routines about {Topic} went viral.
            Observational comedy about {Topic}, {Topic2} and {a_adj} {noun}.
            {a_praise} hour of comedy about growing up in {Town}.
        """,
        extras="""
            Contains strong language.
            Extended by popular demand.
            Expect audience participation.
            The comedy tour everyone is quoting.
            Ages 16 and over.
            Recorded for a live special.
        """,
    ),
    "chamber": EventKind(
        "chamber orchestra",
        (60, 75, 90, 100),
        (25, 12),
        titles="""
            {Composer}: {Work}
            {Composer} and {Composer2}
            {performer}: {Composer} and {Composer2}
            {Composer} by Candlelight
            {performer} plays {Composer}
        """,
        openings="""
            {performer} play {Composer} and {Composer2} in an intimate chamber music recital.
            A candlelit evening of chamber music by {Composer}, from string quartets to songs.
            Music by {Composer}, {Composer2} and {Composer3}, played on period instruments.
            {performer} perform {Composer}'s {Work} alongside rarely heard music by {Composer2}.
            {a_praise} recital of {Composer}'s chamber music, with songs by {Composer2}.
        """,
        extras="""
            Pre-concert talk an hour before.
            Unreserved cabaret seating.
            Programme subject to change.
            Part of a complete {Composer} cycle.
            Recorded for radio.
        """,
    ),
    "acoustic": EventKind(
        "singer band",
        (75, 90, 100),
        (24, 12),
        titles="""
            {performer}: {Adj} {Noun} Tour
            {performer}: Acoustic
            {performer}: The {Noun} Sessions
            {performer}: {Adj} {Noun}
            An Evening with {performer}
        """,
        openings="""
            Songs from the {praise} new album in a stripped-back acoustic set by {performer}.
            An intimate evening of acoustic songs and stories from {performer}.
            Folk songs about {Town}, {Topic} and the {noun2}, on a small-venue tour.
            Just voices, guitars and {a_noun}: {performer} go acoustic.
            {performer} sing the {praise} ballads from '{Adj} {Noun}' with a string quartet.
        """,
        extras="""
            Support from {Name2} {Surname2}.
            Standing and seated tickets.
            Singing along is encouraged.
            Touring the album '{Adj} {Noun}'.
        """,
    ),
    "jazz": EventKind(
        "jazz",
        (90, 120),
        (20, 10),
        titles="""
            {performer}: {Adj} {Noun}
            {performer} Plays {JazzGreat}
            A Night of {JazzGreat}
            {performer}: Late Night Jazz
            {Adj} {Noun}: {performer} Live
        """,
        openings="""
            Standards by {JazzGreat} and {praise} originals from {performer}.
            Late-night jazz with {performer}: bebop, ballads and {a_praise} blues.
            A tribute to {JazzGreat} from {performer}, with improvising guests.
            Smoky vocals, brushed drums and {praise} piano from {performer}.
        """,
        extras="""
            Club seating with table service.
            Two sets with an interval.
            Featuring special guest {Name2} {Surname2} on saxophone.
        """,
    ),
    "musical": EventKind(
        "company",
        (150, 165, 170),
        (85, 22),
        matinees=True,
        titles="""
            {Noun}! The Musical
            The {Adj} {Noun}: A New Musical
            {Name}: The Musical
            {Gerund} the {Noun}
            The {Noun} of {Town}
        """,
        openings="""
            {a_praise} new musical about {Topic}, with show-stopping dancing and a big-band score.
            The hit musical about {a_noun} in {Town}, now touring with a cast of thirty.
            The feel-good musical of the year: singing, dancing and {a_praise} love story.
            A family musical about {Name}, {a_adj} {noun} and the search for home.
        """,
        extras="""
            Presented by {performer}.
            Suitable for ages 8 and over.
            With a live orchestra.
            Includes flashing lights and smoke effects.
            Direct from a sell-out London run.
            Dancing in the aisles encouraged.
        """,
    ),
    "ballet": EventKind(
        "dance",
        (90, 120, 150),
        (75, 18),
        matinees=True,
        titles="""
            {Ballet}
            {Ballet}
            {Ballet} Reimagined
            {Adj} {Noun}
            {performer}: {Adj} {Noun}
        """,
        openings="""
            {performer} dance {Ballet} with live orchestra in {a_praise} new staging.
            Contemporary dance about {Topic} that blends ballet, hip-hop and physical theatre.
            {a_praise} triple bill of classical and contemporary ballet to music by {Composer}.
            The company's dancers bring {Composer}'s score to life in {a_praise} full-length ballet.
        """,
        extras="""
            With live orchestra.
            Running time includes one interval.
            A perfect introduction to ballet for families.
            Choreography by {Name2} {Surname2}.
        """,
    ),
    "opera": EventKind(
        "opera",
        (150, 165, 180),
        (110, 25),
        matinees=True,
        titles="""
            {Opera}
            {Opera}
            {Opera}
            {Opera}: A New Production
        """,
        openings="""
            {performer} stage {Opera} in {a_praise} new production, sung with English surtitles.
            {Opera}, sung in English, in {a_praise} small-scale staging by {performer}.
            Passion, betrayal and some of the greatest arias ever written: {Opera} with full chorus.
            {a_praise} modern-dress production of {Opera}, set in {Town}.
        """,
        extras="""
            Running time about three hours with two intervals.
            Pre-performance talk in the foyer.
            Conducted by {Name2} {Surname2}.
        """,
    ),
    "orchestra": EventKind(
        "orchestra",
        (90, 110, 120),
        (55, 15),
        titles="""
            {Composer}: {Work}
            {Composer}'s {Work}
            {Composer} and {Composer2}
            {Adj} {Noun}: Music by {Composer}
            {performer} plays {Composer}
        """,
        openings="""
            {performer} plays {Composer}'s {Work}, with music by {Composer2} in the first half.
            A night of orchestral favourites by {Composer}, {Composer2} and {Composer3}.
            The symphony orchestra performs {Composer}'s {Work}, conducted by {Name} {Surname}.
            From {Composer} to {Composer2}: {a_praise} symphony concert for the whole family.
        """,
        extras="""
            Pre-concert talk an hour before.
            Soloist: {Name2} {Surname2}.
            Part of the orchestra's {Composer} cycle.
        """,
    ),
    "concert": EventKind(
        "band singer dj",
        (120, 150, 180),
        (95, 35),
        titles="""
            {performer}: {Adj} {Noun} Tour
            {performer} Live
            {performer}: The {Adj} Tour
            {performer}: {Noun} World Tour
            {performer} with Special Guests
            {performer}: Live in {Town}
        """,
        openings="""
            {performer} bring their {praise} arena tour to town, playing the new album and the hits.
            A huge night of rock, pop and singalong choruses from {performer}.
            The {praise} live show from {performer}: lasers, confetti and a band at their peak.
            The band behind '{Adj} {Noun}' return to the stage with {a_praise} new show.
        """,
        extras="""
            Support from {Name2} {Surname2}.
            Standing floor and seated tiers.
            Doors open one hour before.
            Ages 14 and over unless with an adult.
        """,
    ),
    "sport": EventKind(
        "spectacle",
        (120, 150, 180),
        (75, 25),
        titles="""
            {performer}: {Adj} {Noun}
            {performer}: {Town} Showdown
            {performer}: Championship Night
            {Adj} {Noun} Grand Prix
        """,
        openings="""
            {performer} return with {a_praise} night of championship action and a title at stake.
            Family-friendly spectacle from {performer}: high-flying stunts and {praise} showmanship.
            The {praise} showdown in {Town}: {performer} bring the best in the world to town.
            A full card of knockout action, from rising stars to champions.
        """,
        extras="""
            Fancy dress encouraged.
            Ringside seats sell out fast.
            Doors open one hour before.
            Suitable for all the family.
        """,
    ),
    "festival": EventKind(
        "band dj singer",
        (180,),
        (150, 45),
        titles="""
            {Adj} {Noun} Festival
            {Town} {Noun} Festival
            {Adj} Skies Festival
            {Noun} in the Park
        """,
        openings="""
            A one-day festival with {performer} and friends on the main stage.
            Bands, DJs and street food: the {praise} festival returns with {performer} headlining.
            {performer} headline {a_praise} summer festival of guitar bands and dance music.
        """,
        extras="""
            Gates open in the afternoon.
            Under-16s must be with an adult.
            Bars and street food all day.
        """,
    ),
}
KINDS_BY_LAYOUT: dict[str, tuple[str, ...]] = {
    "studio": ("play", "play", "comedy", "comedy", "chamber", "acoustic", "jazz"),
    "theatre": ("musical", "ballet", "opera", "orchestra", "orchestra", "play", "comedy"),
    "arena": ("concert", "concert", "concert", "sport", "comedy"),
    "stadium": ("concert", "festival"),
}
