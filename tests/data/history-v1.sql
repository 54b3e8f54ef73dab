BEGIN TRANSACTION;
CREATE TABLE rehearsal_points (
    rehearsal_id INTEGER NOT NULL REFERENCES rehearsals(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    start REAL,
    duration REAL,
    budget REAL,
    drift REAL,
    "order" INTEGER,
    out_of_order INTEGER NOT NULL,
    repeats INTEGER NOT NULL,
    PRIMARY KEY (rehearsal_id, position)
);
INSERT INTO "rehearsal_points" VALUES(1,0,1,'Powiem Wam szczerze, że nie lubie tego slajdu bo ja nie lubie o sobie mówić. Jestem osobą skromną i osobiście wole jak ludzie poznają mnie w trakcie rozmowy face2face, kiedy razem gdzieś przebywamy: na kawie, na piwie, na spotkaniu, ale bardziej realnym spotkaniu :)','covered',75.2,0.0,17.35,NULL,NULL,1,0,0);
INSERT INTO "rehearsal_points" VALUES(1,1,2,'Natomiast z racji tego, że nie mamy takiej możliwości sie zobaczyć i porozmawiać ze sobą, to niestety jestem zmuszony przygotować slajd o sobie.','covered',78.9,18.14,10.11,NULL,NULL,2,0,0);
INSERT INTO "rehearsal_points" VALUES(1,2,3,'To co tutaj widzicie to moje doświadczenie zawodowe, nie będę go omawiał bo możecie to sobie przeczytać.','covered',50.3,29.04,7.85,NULL,NULL,3,0,0);
INSERT INTO "rehearsal_points" VALUES(1,3,4,'Natomiast to co chciałbym podkreślic o sobie to to, że jak sami widzicie przeszedłem ze ścieżki Data Scientisy na Machine Learning Engineera, jednakże mnie od zawsze jarały aspekty mocno techniczne w mojej pracy.','covered',56.3,37.65,15.53,NULL,NULL,4,0,0);
INSERT INTO "rehearsal_points" VALUES(1,4,5,'Uwielbiam budować modele i analizować dane i wyciągać z nich wnioski, ale oprócz samego modelowania, analizowania zawsze w swojej pracy od początku odkąd jestem związany z tą branża interesowałem się również aspektami mocno technicznymi.','covered',57.8,53.95,13.52,NULL,NULL,5,0,0);
INSERT INTO "rehearsal_points" VALUES(1,5,6,'Przykładowo: Tworze SQLkę do wyciągania danych, ale jak napisać ją tak żeby była jak najszybsza i najbardziej efektywna? To wymagało ode mnie sięgnięcia głębiej i skonsultowania się z innymi developerami, którzy siedzieli w tematach bazodanowych mocno.','covered',44.5,68.26,18.45,NULL,NULL,6,0,0);
INSERT INTO "rehearsal_points" VALUES(1,6,7,'Jeżeli mój model jest wdrażany, to zawsze byłem zainteresowany jak to się odbywa? Co ja jako Data Scientist mogę zrobić żeby ten model działał dobrze na produkcji? W ogóle w jakiej technologii to wdrażacie i czy mogę być częścią tego?','covered',53.8,87.5,16.5,NULL,NULL,7,0,0);
INSERT INTO "rehearsal_points" VALUES(1,7,8,'Także zawsze interesowałem się tematami automatyzacji wdrożeń modeli, optymalizacji modelu nie tylko pod wzgledem jakości ale samego procesu czy to wyciągania danych, struktury baz danych.','covered',83.3,104.79,13.01,NULL,NULL,8,0,0);
INSERT INTO "rehearsal_points" VALUES(1,8,9,'Żeby się nie rozgadać na ten temat, powiem krótko - im więcej miałem styczności z wyzwaniami produkcyjnymi/implementacyjnymi/technicznymi aniżeli modelowymi, tym bardziej moja praca mi się podobała. Ale drugi aspekt był też taki, że dostrzegałem, że ten model który my tworzymy, będzie finalnie elementem większego systemu. I tak na prawdę aby stworzyć dobry model, trzeba orientować się w jakich warunkach technologicznych on będzie pracował - same zamodelowanie i znalezienie najlepszych hiperparametrów nie wystarczy, to jest dopiero początek.','covered',53.2,118.59,20.49,NULL,NULL,9,0,0);
INSERT INTO "rehearsal_points" VALUES(1,9,10,'Dlatego też odkąd pracuje w Sotrenderze, gdzie przetwarzamy dane z social media i na jej podstawie budujemy modele to tutaj tych wyzwań technicznych jest znacznie, znacznie więcej. Obecnie wdrażamy nowy moduł do naszej aplikacji, która będzie odpowiedzialna za optymalizowanie kampanii marketingowych: krótko mowiąc, nasze modele będą podpowiadały ludziom jak powinni ustawić swoje kampanie aby były znacznie lepsze pod względem wyświetleń, klikalności, konwersji (w zależności jaki jest ich cel), a modele analizują zarówno ustawienia jakie ktoś początkowo ustawił (czyli mam dane ustrukturyzowane w postaci tabelarycznej) oraz tekst czy sam obrazek, który będzie wyświetlany ludziom na Facebooku. Taka wielomodalność problemu tworzy dużo wyzwań natury technicznej.','partial',37.9,139.75,24.69,NULL,NULL,10,0,0);
INSERT INTO "rehearsal_points" VALUES(1,10,11,'Tutaj może dodam jeszcze jeden aspekt że ML jest moją pasją (ale oprócz MLa mam jeszcze inne zajęcia o czym wsp)','partial',32.3,165.22,6.93,NULL,NULL,11,0,0);
INSERT INTO "rehearsal_points" VALUES(1,11,12,'ML moją pasją','covered',73.5,172.93,5.69,NULL,NULL,12,0,0);
INSERT INTO "rehearsal_points" VALUES(1,12,13,'czym sie interesuje poza MLem','covered',62.1,179.41,5.95,NULL,NULL,13,0,0);
INSERT INTO "rehearsal_points" VALUES(1,13,14,'dlaczego MLOps? scieżka DS do MLOps -dlaczego mnie to jara, DSi też powinni znać tematy wdrożeniowe','covered',40.4,186.15,12.49,NULL,NULL,14,0,0);
INSERT INTO "rehearsal_points" VALUES(2,0,1,'Powiem Wam szczerze, że nie lubie tego slajdu bo ja nie lubie o sobie mówić. Jestem osobą skromną i osobiście wole jak ludzie poznają mnie w trakcie rozmowy face2face, kiedy razem gdzieś przebywamy: na kawie, na piwie, na spotkaniu, ale bardziej realnym spotkaniu :)','covered',59.3,0.0,16.77,NULL,NULL,1,0,0);
INSERT INTO "rehearsal_points" VALUES(2,1,2,'Natomiast z racji tego, że nie mamy takiej możliwości sie zobaczyć i porozmawiać ze sobą, to niestety jestem zmuszony przygotować slajd o sobie.','covered',61.2,17.56,9.86,NULL,NULL,2,0,0);
INSERT INTO "rehearsal_points" VALUES(2,2,3,'To co tutaj widzicie to moje doświadczenie zawodowe, nie będę go omawiał bo możecie to sobie przeczytać.','missed',0.0,NULL,NULL,NULL,NULL,NULL,0,0);
INSERT INTO "rehearsal_points" VALUES(2,3,4,'Natomiast to co chciałbym podkreślic o sobie to to, że jak sami widzicie przeszedłem ze ścieżki Data Scientisy na Machine Learning Engineera, jednakże mnie od zawsze jarały aspekty mocno techniczne w mojej pracy.','covered',58.2,28.21,15.07,NULL,NULL,3,0,0);
INSERT INTO "rehearsal_points" VALUES(2,4,5,'Uwielbiam budować modele i analizować dane i wyciągać z nich wnioski, ale oprócz samego modelowania, analizowania zawsze w swojej pracy od początku odkąd jestem związany z tą branża interesowałem się również aspektami mocno technicznymi.','covered',62.6,44.03,13.15,NULL,NULL,4,0,0);
INSERT INTO "rehearsal_points" VALUES(2,5,6,'Przykładowo: Tworze SQLkę do wyciągania danych, ale jak napisać ją tak żeby była jak najszybsza i najbardziej efektywna? To wymagało ode mnie sięgnięcia głębiej i skonsultowania się z innymi developerami, którzy siedzieli w tematach bazodanowych mocno.','covered',59.3,57.92,17.94,NULL,NULL,5,0,0);
INSERT INTO "rehearsal_points" VALUES(2,6,7,'Jeżeli mój model jest wdrażany, to zawsze byłem zainteresowany jak to się odbywa? Co ja jako Data Scientist mogę zrobić żeby ten model działał dobrze na produkcji? W ogóle w jakiej technologii to wdrażacie i czy mogę być częścią tego?','covered',42.7,76.65,16.3,NULL,NULL,6,0,0);
INSERT INTO "rehearsal_points" VALUES(2,7,8,'Także zawsze interesowałem się tematami automatyzacji wdrożeń modeli, optymalizacji modelu nie tylko pod wzgledem jakości ale samego procesu czy to wyciągania danych, struktury baz danych.','covered',84.3,93.48,12.62,NULL,NULL,7,0,0);
INSERT INTO "rehearsal_points" VALUES(2,8,9,'Żeby się nie rozgadać na ten temat, powiem krótko - im więcej miałem styczności z wyzwaniami produkcyjnymi/implementacyjnymi/technicznymi aniżeli modelowymi, tym bardziej moja praca mi się podobała. Ale drugi aspekt był też taki, że dostrzegałem, że ten model który my tworzymy, będzie finalnie elementem większego systemu. I tak na prawdę aby stworzyć dobry model, trzeba orientować się w jakich warunkach technologicznych on będzie pracował - same zamodelowanie i znalezienie najlepszych hiperparametrów nie wystarczy, to jest dopiero początek.','missed',0.0,NULL,NULL,NULL,NULL,NULL,0,0);
INSERT INTO "rehearsal_points" VALUES(2,9,10,'Dlatego też odkąd pracuje w Sotrenderze, gdzie przetwarzamy dane z social media i na jej podstawie budujemy modele to tutaj tych wyzwań technicznych jest znacznie, znacznie więcej. Obecnie wdrażamy nowy moduł do naszej aplikacji, która będzie odpowiedzialna za optymalizowanie kampanii marketingowych: krótko mowiąc, nasze modele będą podpowiadały ludziom jak powinni ustawić swoje kampanie aby były znacznie lepsze pod względem wyświetleń, klikalności, konwersji (w zależności jaki jest ich cel), a modele analizują zarówno ustawienia jakie ktoś początkowo ustawił (czyli mam dane ustrukturyzowane w postaci tabelarycznej) oraz tekst czy sam obrazek, który będzie wyświetlany ludziom na Facebooku. Taka wielomodalność problemu tworzy dużo wyzwań natury technicznej.','partial',39.1,106.88,23.99,NULL,NULL,8,0,0);
INSERT INTO "rehearsal_points" VALUES(2,10,11,'Tutaj może dodam jeszcze jeden aspekt że ML jest moją pasją (ale oprócz MLa mam jeszcze inne zajęcia o czym wsp)','covered',45.0,131.66,6.72,NULL,NULL,9,0,0);
INSERT INTO "rehearsal_points" VALUES(2,11,12,'ML moją pasją','covered',73.5,139.16,5.52,NULL,NULL,10,0,0);
INSERT INTO "rehearsal_points" VALUES(2,12,13,'czym sie interesuje poza MLem','missed',0.0,NULL,NULL,NULL,NULL,NULL,0,0);
INSERT INTO "rehearsal_points" VALUES(2,13,14,'dlaczego MLOps? scieżka DS do MLOps -dlaczego mnie to jara, DSi też powinni znać tematy wdrożeniowe','covered',43.5,145.46,12.24,NULL,NULL,11,0,0);
INSERT INTO "rehearsal_points" VALUES(3,0,1,'Powiem Wam szczerze, że nie lubie tego slajdu bo ja nie lubie o sobie mówić. Jestem osobą skromną i osobiście wole jak ludzie poznają mnie w trakcie rozmowy face2face, kiedy razem gdzieś przebywamy: na kawie, na piwie, na spotkaniu, ale bardziej realnym spotkaniu :)','covered',68.4,0.0,17.96,NULL,NULL,1,0,0);
INSERT INTO "rehearsal_points" VALUES(3,1,2,'Natomiast z racji tego, że nie mamy takiej możliwości sie zobaczyć i porozmawiać ze sobą, to niestety jestem zmuszony przygotować slajd o sobie.','covered',81.6,18.74,10.46,NULL,NULL,2,0,0);
INSERT INTO "rehearsal_points" VALUES(3,2,3,'Tu widzicie moje doświadczenie zawodowe; nie będę go omawiał, możecie je sobie przeczytać.','covered',71.3,29.98,8.18,NULL,NULL,3,0,0);
INSERT INTO "rehearsal_points" VALUES(3,3,4,'Natomiast to co chciałbym podkreślic o sobie to to, że jak sami widzicie przeszedłem ze ścieżki Data Scientisy na Machine Learning Engineera, jednakże mnie od zawsze jarały aspekty mocno techniczne w mojej pracy.','covered',63.3,38.94,16.07,NULL,NULL,4,0,0);
INSERT INTO "rehearsal_points" VALUES(3,4,5,'Uwielbiam budować modele i analizować dane i wyciągać z nich wnioski, ale oprócz samego modelowania, analizowania zawsze w swojej pracy od początku odkąd jestem związany z tą branża interesowałem się również aspektami mocno technicznymi.','covered',73.1,55.8,13.98,NULL,NULL,5,0,0);
INSERT INTO "rehearsal_points" VALUES(3,5,6,'Przykładowo: Tworze SQLkę do wyciągania danych, ale jak napisać ją tak żeby była jak najszybsza i najbardziej efektywna? To wymagało ode mnie sięgnięcia głębiej i skonsultowania się z innymi developerami, którzy siedzieli w tematach bazodanowych mocno.','covered',52.6,70.55,19.17,NULL,NULL,6,0,0);
INSERT INTO "rehearsal_points" VALUES(3,6,7,'Jeżeli mój model jest wdrażany, to zawsze byłem zainteresowany jak to się odbywa? Co ja jako Data Scientist mogę zrobić żeby ten model działał dobrze na produkcji? W ogóle w jakiej technologii to wdrażacie i czy mogę być częścią tego?','covered',74.6,104.73,17.06,NULL,NULL,8,1,0);
INSERT INTO "rehearsal_points" VALUES(3,7,8,'Także zawsze interesowałem się tematami automatyzacji wdrożeń modeli, optymalizacji modelu nie tylko pod wzgledem jakości ale samego procesu czy to wyciągania danych, struktury baz danych.','covered',75.0,90.51,13.43,NULL,NULL,7,0,0);
INSERT INTO "rehearsal_points" VALUES(3,8,9,'Żeby się nie rozgadać na ten temat, powiem krótko - im więcej miałem styczności z wyzwaniami produkcyjnymi/implementacyjnymi/technicznymi aniżeli modelowymi, tym bardziej moja praca mi się podobała. Ale drugi aspekt był też taki, że dostrzegałem, że ten model który my tworzymy, będzie finalnie elementem większego systemu. I tak na prawdę aby stworzyć dobry model, trzeba orientować się w jakich warunkach technologicznych on będzie pracował - same zamodelowanie i znalezienie najlepszych hiperparametrów nie wystarczy, to jest dopiero początek.','covered',59.4,122.58,21.01,NULL,NULL,9,0,0);
INSERT INTO "rehearsal_points" VALUES(3,9,10,'Dlatego też odkąd pracuje w Sotrenderze, gdzie przetwarzamy dane z social media i na jej podstawie budujemy modele to tutaj tych wyzwań technicznych jest znacznie, znacznie więcej. Obecnie wdrażamy nowy moduł do naszej aplikacji, która będzie odpowiedzialna za optymalizowanie kampanii marketingowych: krótko mowiąc, nasze modele będą podpowiadały ludziom jak powinni ustawić swoje kampanie aby były znacznie lepsze pod względem wyświetleń, klikalności, konwersji (w zależności jaki jest ich cel), a modele analizują zarówno ustawienia jakie ktoś początkowo ustawił (czyli mam dane ustrukturyzowane w postaci tabelarycznej) oraz tekst czy sam obrazek, który będzie wyświetlany ludziom na Facebooku. Taka wielomodalność problemu tworzy dużo wyzwań natury technicznej.','partial',36.1,144.38,25.78,NULL,NULL,10,0,0);
INSERT INTO "rehearsal_points" VALUES(3,10,11,'Tutaj może dodam jeszcze jeden aspekt że ML jest moją pasją (ale oprócz MLa mam jeszcze inne zajęcia o czym wsp)','covered',45.0,177.43,7.23,NULL,NULL,12,0,0);
INSERT INTO "rehearsal_points" VALUES(3,11,12,'czym sie interesuje poza MLem','covered',100.0,185.43,6.69,NULL,NULL,13,0,0);
INSERT INTO "rehearsal_points" VALUES(3,12,13,'ML moją pasją','covered',73.5,170.72,6.38,NULL,NULL,11,1,0);
INSERT INTO "rehearsal_points" VALUES(3,13,14,'dlaczego MLOps? scieżka DS do MLOps -dlaczego mnie to jara, DSi też powinni znać tematy wdrożeniowe','covered',43.2,192.36,12.98,NULL,NULL,14,0,0);
INSERT INTO "rehearsal_points" VALUES(3,14,15,'Na koniec zapraszam do kontaktu na LinkedInie','missed',0.0,NULL,NULL,NULL,NULL,NULL,0,0);
CREATE TABLE rehearsals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    talk_id INTEGER NOT NULL REFERENCES talks(id),
    created TEXT NOT NULL,
    created_ts REAL NOT NULL,
    analysed TEXT NOT NULL,
    speaker TEXT,
    speaker_key TEXT NOT NULL,
    title TEXT NOT NULL,
    notes TEXT NOT NULL,
    recording TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    duration REAL NOT NULL,
    talk_time REAL,
    speaking_time REAL,
    target REAL,
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    report TEXT,
    coverage REAL NOT NULL,
    wpm REAL NOT NULL,
    syllable_rate REAL,
    pace_verdict TEXT NOT NULL,
    pauses INTEGER NOT NULL,
    longest_pause REAL,
    fillers INTEGER NOT NULL,
    fillers_per_minute REAL NOT NULL,
    restarts INTEGER NOT NULL
);
INSERT INTO "rehearsals" VALUES(1,1,'2026-11-28T01:00:47+00:00',1795827647.0,'2026-11-28T01:00:47+00:00',NULL,'','Kilka zdań o sobie','/tmp/v1/talk.md','/work/wt-9/benchmarks/cases/tune/pl-full.ogg','b9419a1a4f2005ba3ceb7d52464e63612105109fdc4bbeb8818fbf145cde4225',198.855375,198.64,198.64,NULL,'faster','base','/tmp/v1/reports/kilka-zdan-o-sobie/20261128-010047-pl-full',1.0,128.7,4.25,'good',0,NULL,0,0.0,0);
INSERT INTO "rehearsals" VALUES(2,1,'2026-11-28T01:00:51+00:00',1795827651.0,'2026-11-28T01:00:51+00:00',NULL,'','Kilka zdań o sobie','/tmp/v1/talk.md','/work/wt-9/benchmarks/cases/tune/pl-skips.mp3','3c5f2c3e11333e44280a917440551e4145c607302b64b5c7f17a4e60d4815710',157.81725,157.7,157.7,NULL,'faster','base','/tmp/v1/reports/kilka-zdan-o-sobie/20261128-010051-pl-skips',7.85714285714285698425e-01,131.3,4.43,'good',0,NULL,0,0.0,0);
INSERT INTO "rehearsals" VALUES(3,1,'2026-11-28T01:00:55+00:00',1795827655.0,'2026-11-28T01:00:55+00:00','Anna','anna','Kilka zdań o sobie','/tmp/v1/talk.md','/work/wt-9/benchmarks/cases/tune/pl-reorder.m4a','71cf671f0f9fe2cccdfc80db474e8d8492ca2b3d821b43fc9ee9a1d35252d4aa',205.568,205.34,205.34,NULL,'faster','base','/tmp/v1/reports/kilka-zdan-o-sobie/20261128-010055-pl-reorder',9.33333333333333348136e-01,121.0,4.09,'good',0,NULL,0,0.0,0);
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO "schema_version" VALUES(1);
CREATE TABLE talk_notes (
    path TEXT PRIMARY KEY,
    talk_id INTEGER NOT NULL REFERENCES talks(id) ON DELETE CASCADE
);
INSERT INTO "talk_notes" VALUES('/tmp/v1/talk.md',1);
CREATE TABLE talks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT,
    name_key TEXT UNIQUE,
    title TEXT NOT NULL
);
INSERT INTO "talks" VALUES(1,'Kilka zdań','kilka zdań','Kilka zdań o sobie');
CREATE INDEX rehearsals_by_talk ON rehearsals (talk_id, speaker_key, created_ts);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('talks',1);
INSERT INTO "sqlite_sequence" VALUES('rehearsals',3);
COMMIT;
